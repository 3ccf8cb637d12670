export type {
  ChoiceListOption,
  ChoiceOption,
  CommandContext,
  CommandIo,
  FlagOption,
  IntegerListOption,
  IntegerOption,
  NumberOption,
  OptionSpec,
  OptionSpecs,
  OptionValue,
  OptionValues,
  Subcommand,
} from './api.js';
export { defineSubcommand } from './define-subcommand.js';
export { formatBits16, formatRelativeError, formatSignificant, formatValue } from './format.js';
export {
  CrossCheckError,
  type CrossCheckReport,
  crossCheckHalfRounding,
  DEFAULT_HALF_BENCHMARK_OPTIONS,
  evaluateTargets,
  HALF_TASKS,
  type HalfBenchmarkOptions,
  type HalfBenchmarkResult,
  type HalfTaskInfo,
  type HalfTaskName,
  REFERENCE_TASK,
  runHalfBenchmark,
  type TargetCheck,
  type TaskMeasurement,
} from './half-benchmark.js';
export { HALF_RESULTS_FILE, halfCommand, writeHalfResults } from './half-command.js';
export {
  describeHalfRun,
  HALF_ROUNDING_SECTION,
  halfTargetsTable,
  halfTasksTable,
  renderHalfRoundingMarkdown,
  renderHalfRoundingText,
} from './half-report.js';
export { formatGlobalHelp, formatSubcommandHelp, PROGRAM_NAME } from './help.js';
export { toJson } from './json.js';
export { type MachineInfo, machineInfo } from './machine-info.js';
export { mainCommand } from './main-command.js';
export {
  type BytesCheck,
  CROSS_CHECK_TOLERANCE,
  type CrossCheck,
  crossCheckOps,
  DEFAULT_OPS_BENCHMARK_OPTIONS,
  evaluateOpsTargets,
  type GemmCheck,
  type GrowthStep,
  growthSteps,
  naiveGemm,
  normalizeOpsOptions,
  OPS,
  OPS_TARGETS,
  type OpMeasurement,
  type OpName,
  type OpsBenchmarkOptions,
  type OpsBenchmarkResult,
  type OpsTarget,
  type RawMeasurement,
  randomSymmetric,
  runGemmCheck,
  runOpsBenchmark,
  withDenseRatios,
} from './ops-benchmark.js';
export { OPS_RESULTS_FILE, opsCommand, writeOpsResults } from './ops-command.js';
export {
  describeCrossChecks,
  describeOpsRun,
  failedTargetLines,
  formatRatio,
  formatVerdict,
  opsBytesTable,
  opsGemmTable,
  opsGrowthTable,
  opsNotes,
  opsTargetsTable,
  opsTimeTable,
  renderStructuredOpsMarkdown,
  renderStructuredOpsText,
  STRUCTURED_OPS_SECTION,
  summarizeTargets,
} from './ops-report.js';
export {
  OPS_STRUCTURE_NAMES,
  OPS_STRUCTURES,
  type OpsScaling,
  type OpsStructure,
  opsStructure,
  specStorageEntries,
  specStorageFormula,
} from './ops-structures.js';
export { lastTimedResult, median, type Timing, type TimingSettings, timeCall } from './ops-timing.js';
export {
  COMMON_OPTIONS,
  describeExpectedValue,
  optionNames,
  type ParsedOptions,
  parseOptions,
} from './options.js';
export { packageRoot } from './paths.js';
export { replaceSection, sectionMarkers } from './readme-section.js';
export { readIfPresent, writeResultsAndReadme } from './results-files.js';
export {
  DEMO_SAMPLES,
  type DemoSample,
  formatConstantsLine,
  type RoundedValue,
  type RoundingDemoRow,
  relativeError,
  roundForDemo,
  roundingDemoRows,
  roundingDemoTable,
} from './rounding-demo.js';
export { runCli } from './run-cli.js';
export { halfBenchmarkInput, SPECIAL_VALUE_STRIDE, SPECIAL_VALUES, seededRandom } from './sample-data.js';
export { SUBCOMMANDS } from './subcommands.js';
export { renderMarkdownTable, renderTextTable, type Table, type TableColumn } from './table.js';
export { USAGE_EXIT_CODE, UsageError } from './usage-error.js';
