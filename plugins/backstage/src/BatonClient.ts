import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';

import type {
  BatonApi,
  PromotionPlan,
  RenderResult,
  RepositoryInfo,
  StatusResult,
  ValidateResult,
} from './api';

/** `BatonApi` over HTTP: the backend plugin at the discovery API's `baton` base URL. */
export class BatonClient implements BatonApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  getRepository(): Promise<RepositoryInfo> {
    return this.#get('/repository');
  }

  getStatus(): Promise<StatusResult> {
    return this.#get('/status');
  }

  getPlan(request: { app: string; to: string; from?: string }): Promise<PromotionPlan> {
    const query = new URLSearchParams({ to: request.to });
    if (request.from !== undefined) query.set('from', request.from);
    return this.#get(`/apps/${encodeURIComponent(request.app)}/plan?${query}`);
  }

  getRender(request: { app: string; environment: string }): Promise<RenderResult> {
    const app = encodeURIComponent(request.app);
    return this.#get(`/apps/${app}/environments/${encodeURIComponent(request.environment)}/render`);
  }

  validate(): Promise<ValidateResult> {
    return this.#get('/validate');
  }

  async #get<T>(path: string): Promise<T> {
    const base = await this.#discoveryApi.getBaseUrl('baton');
    const response = await this.#fetchApi.fetch(`${base}${path}`);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }
}
