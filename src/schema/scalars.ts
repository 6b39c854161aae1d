import { DateTimeResolver } from 'graphql-scalars';

/** ISO-8601 UTC instants for every `Date` field. */
export const scalarsMap = [{ type: Date, scalar: DateTimeResolver }];
