import { appConfig } from './app.config.js';

/** Reads the app namespace from `env`. */
function readApp(env: Record<string, string>): ReturnType<typeof appConfig> {
  return appConfig.read(env);
}

describe('appConfig CORS origins', () => {
  it('lets the Vite dev server (http://localhost:5173) in by default outside production', () => {
    expect(readApp({}).corsOrigins).toEqual(['http://localhost:3000', 'http://localhost:5173']);
    expect(readApp({ NODE_ENV: 'development' }).corsOrigins).toContain('http://localhost:5173');
  });

  it('keeps the production default to the SPA on :3000 only', () => {
    expect(readApp({ NODE_ENV: 'production' }).corsOrigins).toEqual(['http://localhost:3000']);
  });

  it('uses CORS_ORIGINS as given when set', () => {
    expect(readApp({ CORS_ORIGINS: 'https://shop.example.com, http://localhost:4200' }).corsOrigins).toEqual([
      'https://shop.example.com',
      'http://localhost:4200',
    ]);
  });
});
