// Workload generator exports (re-exported by index.ts).
export { workloadConfigure, workloadGenerate } from './generate';
