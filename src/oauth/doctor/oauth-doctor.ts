/**
 * `npm run doctor`: checks the social-login configuration without starting
 * the service (no database, no Redis) and says what to register in each
 * provider's console. Exit code 1 when the service would refuse to start or a
 * login could not work.
 */
import { envName, isInsecureRemote, type OAuthSettings, parseOAuthEnv } from '../../config/oauth.config.js';
import { SOCIAL_PROVIDER_DEFINITIONS, type SocialProvider } from '../providers/index.js';
import { type DoctorFinding, maskClientId, type SocialProviderDefinition } from '../providers/provider-definition.js';

export type { DoctorFinding };

type Env = Record<string, string | undefined>;

export interface Registration {
  provider: SocialProvider;
  console: string;
  where: string;
  callbackUrl: string;
  clientId: string;
}

export interface DoctorReport {
  findings: DoctorFinding[];
  register: Registration[];
  ok: boolean;
}

function pathOf(raw: string): string | undefined {
  try {
    return new URL(raw).pathname;
  } catch {
    return undefined;
  }
}

function checkProvider(
  definition: SocialProviderDefinition<SocialProvider>,
  settings: OAuthSettings,
  env: Env,
  add: (f: DoctorFinding) => void,
) {
  const provider = definition.id;
  const p = settings.providers[provider];
  const id = envName(provider, 'CLIENT_ID');
  const secret = envName(provider, 'CLIENT_SECRET');
  const redirect = envName(provider, 'REDIRECT_URI');
  if (!p.configured) {
    if (p.clientSecret !== '') add({ level: 'warning', message: `${secret} is set but ${id} is not` });
    add({ level: 'info', message: `${provider}: not configured (${id} unset); its login routes answer 503` });
    return;
  }
  if (p.clientSecret === '' && definition.optionalSecret !== undefined) {
    add({ level: 'warning', message: `${secret} unset: ${definition.optionalSecret}` });
  }
  const path = pathOf(p.redirectUri);
  const served = definition.callbackPaths;
  if (path !== undefined && !served.includes(path)) {
    if (served.some((candidate) => path.endsWith(candidate))) {
      add({
        level: 'warning',
        message: `${redirect}: path ${path} is served only behind a proxy that strips its prefix (served: ${served.join(', ')})`,
      });
    } else {
      add({
        level: 'error',
        message: `${redirect}: ${p.redirectUri} is not a callback this service serves; use a URL ending in ${served.join(' or ')}`,
      });
    }
  }
  const port = env.PORT?.trim() || '8080';
  try {
    const url = new URL(p.redirectUri);
    const urlPort = url.port || (url.protocol === 'https:' ? '443' : '80');
    if (['localhost', '127.0.0.1'].includes(url.hostname) && urlPort !== port) {
      add({ level: 'warning', message: `${redirect}: points at port ${urlPort} but the service listens on ${port}` });
    }
  } catch {
    // Reported by the configuration check.
  }
  for (const [suffix, key] of [
    ['AUTHORIZATION_URI', 'authorizationUri'],
    ['TOKEN_URI', 'tokenUri'],
    ['USER_INFO_URI', 'userInfoUri'],
    ['ISSUER', 'issuer'],
  ] as const) {
    if (p[key] !== definition.defaults[key]) {
      add({
        level: settings.production ? 'warning' : 'info',
        message: `${envName(provider, suffix)}: ${p[key]} instead of the real ${provider} endpoint`,
      });
    }
  }
  for (const finding of definition.doctor?.(settings) ?? []) add(finding);
}

/** Every check, without side effects (unit-tested). */
export function diagnoseOAuth(env: Env): DoctorReport {
  const findings: DoctorFinding[] = [];
  const add = (finding: DoctorFinding) => findings.push(finding);
  const { settings, errors } = parseOAuthEnv(env);
  for (const message of errors) add({ level: 'error', message });

  const configured = SOCIAL_PROVIDER_DEFINITIONS.filter((definition) => settings.providers[definition.id].configured);
  if (configured.length === 0) {
    add({
      level: 'warning',
      message: 'no provider configured: set KAKAO_CLIENT_ID, GOOGLE_CLIENT_ID, … to enable social login',
    });
  }
  for (const definition of SOCIAL_PROVIDER_DEFINITIONS) checkProvider(definition, settings, env, add);

  add({ level: 'info', message: `hand-off: OAUTH2_TOKEN_DELIVERY=${settings.tokenDelivery}` });
  if (settings.tokenDelivery === 'query') {
    add({
      level: settings.production ? 'warning' : 'info',
      message:
        'OAUTH2_TOKEN_DELIVERY=query puts the tokens in the redirect URL (browser history, proxy logs); ' +
        '"code" hands over a one-time code instead',
    });
  }
  add({ level: 'info', message: `success redirect: ${settings.redirectUri}` });
  add({ level: 'info', message: `failure redirect: ${settings.failureRedirectUri}` });
  if (settings.allowedRedirectUris.length > 0) {
    add({ level: 'info', message: `allowed redirect_uri values: ${settings.allowedRedirectUris.join(', ')}` });
  }
  if (settings.production) {
    for (const [name, uri] of [
      ['OAUTH2_REDIRECT_URI', settings.redirectUri],
      ['OAUTH2_FAILURE_REDIRECT_URI', settings.failureRedirectUri],
    ]) {
      try {
        if (new URL(uri).hostname === 'localhost') {
          add({ level: 'warning', message: `${name}: ${uri} is localhost in production` });
        }
      } catch {
        // Reported by the configuration check.
      }
    }
    for (const { id: provider } of configured) {
      const p = settings.providers[provider];
      for (const uri of [p.authorizationUri, p.tokenUri, p.userInfoUri]) {
        try {
          if (isInsecureRemote(uri)) add({ level: 'error', message: `${provider}: ${uri} uses http in production` });
        } catch {
          // Reported by the configuration check.
        }
      }
    }
  }

  const register = configured.map((definition) => ({
    provider: definition.id,
    console: definition.name,
    where: definition.console,
    callbackUrl: settings.providers[definition.id].redirectUri,
    clientId: maskClientId(settings.providers[definition.id].clientId),
  }));
  return { findings, register, ok: !findings.some((finding) => finding.level === 'error') };
}

const MARK: Record<DoctorFinding['level'], string> = { error: 'ERROR  ', warning: 'WARN   ', info: 'info   ' };

export function formatReport(report: DoctorReport): string {
  const lines = ['Social login configuration', ''];
  for (const finding of report.findings) lines.push(`${MARK[finding.level]}${finding.message}`);
  if (report.register.length > 0) {
    lines.push('', 'Register in each provider console:');
    for (const entry of report.register) {
      lines.push(`  ${entry.console} (client id ${entry.clientId})`, `    ${entry.where}`, `    ${entry.callbackUrl}`);
    }
  }
  const errors = report.findings.filter((finding) => finding.level === 'error').length;
  lines.push('', errors === 0 ? 'No errors.' : `${errors} error(s): the service will not work as configured.`);
  return lines.join('\n');
}

/** Prints the report; returns the process exit code. */
export function runDoctor(env: Env, write: (text: string) => void): number {
  const report = diagnoseOAuth(env);
  write(formatReport(report));
  return report.ok ? 0 : 1;
}
