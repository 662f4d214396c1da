import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';

import { batonApiRef } from '../api';

/** The status matrix and where it was read from, fetched together. */
export function useRepositoryStatus() {
  const api = useApi(batonApiRef);
  return useAsyncRetry(async () => {
    const [status, repository] = await Promise.all([api.getStatus(), api.getRepository()]);
    return { status, repository };
  }, [api]);
}
