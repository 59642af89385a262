// Conntrack (established path) exports (re-exported by index.ts).
export { conntrackConfigure, conntrackClear, conntrackInsertBatch, conntrackLookupBatch, conntrackProbes } from './table';
