// kpbench's programmatic API: the same pieces the `kpbench` command is built from, exported by name.

// The cluster model and its inputs
export { parseScenario } from './io/scenario.js';
export { parseFlowsCsv } from './io/flows-csv.js';
export { formatDecisionsCsv, endpointTable, outcomeOf } from './io/decisions-csv.js';
export { endpointOffsets, isProgrammed, PROTOCOL_NUMBER, SCHEDULER_NAMES, DEFAULT_AFFINITY_TIMEOUT } from './model/cluster.js';
export type { Cluster, Service, Endpoint, Protocol, SchedulerName, IpvsFlag, Cidr } from './model/cluster.js';
export type { Flow, Decision, Verdict } from './model/flow.js';
export { parseIPv4, formatIPv4 } from './model/ipv4.js';

// Synthetic clusters and workloads
export { syntheticCluster } from './gen/cluster.js';
export type { SyntheticClusterOptions, IntRange } from './gen/cluster.js';
export { syntheticFlows } from './gen/flows.js';
export type { WorkloadOptions, WorkloadFlow, Popularity } from './gen/flows.js';

// Rulesets as kube-proxy programs them
export { compileIptables } from './iptables/compile.js';
export { formatIptablesSave } from './iptables/save.js';
export type { Ruleset, Table, Chain, Rule, Match, Target } from './iptables/ruleset.js';
export { formatIpvsadm } from './ipvs/ipvsadm.js';
export { formatNftRuleset } from './nftables/ruleset-text.js';

// Engines
export { createEngine, MODES } from './engines/factory.js';
export type { Mode, EngineKind, EngineOptions } from './engines/factory.js';
export type { DecisionEngine, BatchEngine } from './engines/engine.js';
export { defaultBuild, simdSupported } from './wasm/loader.js';
export type { WasmBuild } from './wasm/loader.js';

// Benchmark runs, reports and comparison
export { runBenchmark } from './run/run.js';
export type { RunOptions, RunOutcome } from './run/run.js';
export type { RunWorkload, CaseSpec, ShardResult, ExactCounters } from './run/spec.js';
export type { CaseResult } from './run/case-result.js';
export { parseReport } from './report/read-report.js';
export { SCHEMA_VERSION } from './report/json-report.js';
export type { Report, ReportCase } from './report/json-report.js';
export { compareReports, exitCodeOf } from './compare/compare.js';

// Errors
export { KpbenchError, InputError } from './errors.js';
export type { KpbenchErrorCode, InputProblem } from './errors.js';
