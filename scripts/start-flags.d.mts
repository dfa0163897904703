/** See start-flags.mjs. */
export declare const START_FLAGS: string[];
