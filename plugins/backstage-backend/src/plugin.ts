/**
 * The backend plugin (`pluginId: baton`): reads the repository configured under `baton:` with
 * the backend's URL readers and serves the engine's answers under `/api/baton`.
 */
import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

import { readRepositoryLocation } from './location';
import { GitOpsRepository } from './repository';
import { createRouter } from './router';

/** One read of the repository is used this long before its ETag is checked again. */
const DEFAULT_CHECK_INTERVAL_MS = 60_000;

export const batonPlugin = createBackendPlugin({
  pluginId: 'baton',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        reader: coreServices.urlReader,
        httpRouter: coreServices.httpRouter,
      },
      async init({ config, logger, reader, httpRouter }) {
        const location = readRepositoryLocation(config);
        const checkIntervalMs = config.has('baton.checkInterval')
          ? durationToMilliseconds(readDurationFromConfig(config, { key: 'baton.checkInterval' }))
          : DEFAULT_CHECK_INTERVAL_MS;
        const repository = new GitOpsRepository({
          treeUrl: location.treeUrl,
          reader,
          logger,
          checkIntervalMs,
        });
        httpRouter.use(createRouter({ location, repository }));
        logger.info(`Baton serves ${location.treeUrl}`);
      },
    });
  },
});
