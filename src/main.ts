import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createApp } from './app.factory.js';
import { loadEnvFile } from './config/env-file.js';
import { appConfig } from './config/app.config.js';
import { reportStartFailure } from './common/logging/start-failure.js';

const env = loadEnvFile();

async function bootstrap(): Promise<void> {
  const { app, shutdown } = await createApp({ env });
  const config = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  shutdown.listen(app, config.shutdownTimeoutMs);
  await app.listen(config.port, config.host);
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost');
  new Logger('Bootstrap').log({ msg: `listening on ${url}`, docs: `${url}/api/docs` });
}

bootstrap().catch((error: unknown) => {
  // Configuration errors list every problem, one a line; anything else comes with its stack.
  reportStartFailure(error, env);
  process.exit(1);
});
