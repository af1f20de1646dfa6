// The whole DDL in migration order, for scratch stores that skip node-pg-migrate (test suites'
// per-suite schemas, the benchmark's collector-lag store). A new schema file goes here too, or
// those stores miss it: the collector would then fail on every batch.
import type { TableNames } from "../tables";
import { clientTotalsStatements, stormHistoryStatements } from "./clients";
import { contractStatements, ownSchemaStatements } from "./contract";
import { metricTotalsStatements } from "./metric-totals";
import { operationsStatements } from "./operations";
import { rollupStatements } from "./rollups";
import { secretsStatements } from "./secrets";
import { captureModeStatements, sourceStatements, spansOnlyStatements } from "./source";
import {
  footprintStatements,
  importedIntentsStatements,
  unloggedMemoryStatements,
} from "./footprint";
import {
  historyCompactionStatements,
  historyLimitStatements,
  historyStagingStatements,
  historyStatements,
} from "./history";
import { recentErrorStatements } from "./recent-errors";
import { storeSafetyStatements } from "./store-safety";
import { hotKeyStatements, hotKeyTopStatements } from "./hot-keys";
import { annotationStatements } from "./annotations";
import { reconciliationStatements } from "./reconciliation";
import { moneyStatements } from "./money";
import { clientDictionaryStatements } from "./client-dictionary";
import {
  duplicateIndexStatements,
  failedKeyIndexStatements,
  searchIndexStatements,
} from "./search";

export function allStatements(t: TableNames, names: { keys: string; events: string }): string[] {
  return [
    ...contractStatements(t, names),
    ...ownSchemaStatements(t),
    ...rollupStatements(t),
    ...operationsStatements(t),
    ...searchIndexStatements(t, names),
    ...duplicateIndexStatements(t),
    ...clientTotalsStatements(t),
    ...metricTotalsStatements(t),
    ...secretsStatements(t),
    ...sourceStatements(t),
    ...captureModeStatements(t),
    ...footprintStatements(t),
    ...historyStatements(t),
    ...recentErrorStatements(t),
    ...hotKeyStatements(t),
    ...annotationStatements(t),
    ...reconciliationStatements(t),
    ...moneyStatements(t),
    ...clientDictionaryStatements(t),
    ...failedKeyIndexStatements(names, t),
    ...historyStagingStatements(t),
    ...historyCompactionStatements(t),
    ...unloggedMemoryStatements(t),
    ...historyLimitStatements(t),
    ...storeSafetyStatements(t),
    ...stormHistoryStatements(t),
    ...hotKeyTopStatements(t),
    ...spansOnlyStatements(t),
    ...importedIntentsStatements(t),
  ];
}
