import { seriesValue } from '../../src/http/metrics';

/** One series of the app's Prometheus `/metrics` (NaN when it is not there yet). */
export async function metricOf(graphqlUrl: string, name: string): Promise<number> {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();
  return seriesValue(text, name) ?? NaN;
}
