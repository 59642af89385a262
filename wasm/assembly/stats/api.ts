// Exact-counter exports (re-exported by index.ts).
export { statsConfigure, statsReset, statsAccumulate } from './accumulate';
