/**
 * `@singd/bench`: the benchmarks and the training comparison behind the `singd-bench` CLI,
 * as a library.
 *
 * @packageDocumentation
 * @module @singd/bench
 */

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
export {
  FASHION_MNIST_CLASSES,
  type FashionMnistSourceOptions,
  loadFashionMnist,
} from './data-fashion-mnist.js';
export {
  CLASS_COUNT,
  classCounts,
  IMAGE_PIXELS,
  IMAGE_SIDE,
  type LabelledImages,
  selectImages,
} from './data-images.js';
export { readDataArray } from './data-json-file.js';
export {
  DATASET_NAMES,
  DATASET_SIZES,
  type DatasetName,
  type LoadDatasetOptions,
  type LoadedDataset,
  loadAllImages,
  loadDataset,
} from './data-load.js';
export { DataLoadError } from './data-load-error.js';
export { loadMnist, type MnistSourceOptions } from './data-mnist.js';
export { fashionMnistClothesDirectory, mnistDigitsDirectory } from './data-package-files.js';
export { type SplitOptions, seededPermutation, splitTrainTest, type TrainTestSplit } from './data-split.js';
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
  MEMORY_MLP_LAYERS,
  MEMORY_PRECISIONS,
  type MemoryBenchmarkResult,
  type MemoryLayerBytes,
  type MemoryOptimizerKind,
  type MemoryPrecision,
  type MemoryRow,
  mlpParameters,
  runMemoryBenchmark,
} from './memory-benchmark.js';
export { MEMORY_RESULTS_FILE, memoryCommand, writeMemoryResults } from './memory-command.js';
export {
  describeMemoryRun,
  MEMORY_SECTION,
  memoryNotes,
  memoryTable,
  renderMemoryMarkdown,
  renderMemoryText,
} from './memory-report.js';
export { stateBytes } from './memory-state-bytes.js';
export { MODEL_DESCRIPTIONS, MODEL_NAMES, type ModelName } from './models-names.js';
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
export { type ProgressBar, type ProgressOptions, renderBar, startProgress } from './progress-bar.js';
export { replaceSection, sectionMarkers } from './readme-section.js';
export { optimizerColor, type ReportCharts, reportCharts, windowMeans } from './report-charts.js';
export { PRECISION_NOTE, renderReportMarkdown, reproduceCommand } from './report-markdown.js';
export { adamwStateBytes, type SummaryRow, summarize } from './report-summary.js';
export { formatKiB, summaryTable, targetsTable } from './report-tables.js';
export {
  checkTrainingTargets,
  isSingdFamily,
  percent,
  TARGET_BOUNDS,
  type TrainingTargetCheck,
  type TrainingTargetVerdict,
} from './report-targets.js';
export { REPORTS_DIRECTORY, resultsJson, runId, writeReport } from './report-write.js';
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
export {
  DEFAULT_STEP_BENCHMARK_OPTIONS,
  normalizeStepOptions,
  QUICK_STEP_BENCHMARK_OPTIONS,
  runStepBenchmark,
  type StepBenchmarkOptions,
  type StepBenchmarkResult,
} from './step-benchmark.js';
export { STEP_RESULTS_FILE, stepCommand, writeStepResults } from './step-command.js';
export {
  describeStepRun,
  renderStepMarkdown,
  renderStepText,
  STEP_SECTION,
  stepGrowthTable,
  stepNotes,
  stepTargetsTable,
  stepTimesTable,
  summarizeStepTargets,
} from './step-report.js';
export {
  SLOW_STEP_STRUCTURES,
  STEP_STRUCTURE_NAMES,
  type StepStructure,
  type StepStructureName,
  stepStructure,
} from './step-structures.js';
export {
  type AdamWStepRow,
  evaluateStepTargets,
  type SingdStepMemory,
  type SingdStepRow,
  STEP_TARGETS,
  type StepGrowth,
  type StepGrowthQuantity,
  type StepTarget,
  stepGrowth,
} from './step-targets.js';
export { SUBCOMMANDS } from './subcommands.js';
export { type Bar, type BarChart, renderBarChart } from './svg-bar-chart.js';
export { type LineChart, type LineSeries, renderLineChart } from './svg-line-chart.js';
export { coordinate, element, escapeXml, svgDocument, textElement } from './svg-markup.js';
export { type AxisScale, formatTick, linearScale, logScale, niceStep } from './svg-scale.js';
export { renderMarkdownTable, renderTextTable, type Table, type TableColumn } from './table.js';
export { TFJS_STEP_RESULTS_FILE, tfjsStepCommand, writeTfjsStepResults } from './tfjs-step-command.js';
export {
  DEFAULT_TFJS_STEP_OPTIONS,
  evaluateTfjsStepTargets,
  QUICK_TFJS_STEP_OPTIONS,
  TFJS_STEP_MODELS,
  TFJS_STEP_OPTIMIZERS,
  TFJS_STEP_TARGET_MAX,
  TFJS_STEP_TARGET_OPTIMIZERS,
  type TfjsStepBenchmarkOptions,
  type TfjsStepBenchmarkResult,
  type TfjsStepModel,
  type TfjsStepOptimizer,
  type TfjsStepRow,
  type TfjsStepTarget,
} from './tfjs-step-options.js';
export {
  describeTfjsStepRun,
  renderTfjsStepMarkdown,
  renderTfjsStepText,
  TFJS_STEP_SECTION,
  tfjsStepTable,
} from './tfjs-step-report.js';
export {
  checkComparisonSettings,
  PRECISION_CHOICES,
  precisionsOf,
  runTraining,
  type TrainCommandOptions,
  trainCommand,
} from './train-command.js';
export type { ComparisonListener, ComparisonResult, SkippedCombination } from './train-comparison.js';
export {
  describeOptimizer,
  HYPER_PARAMETERS,
  type HyperParameters,
  hasBfloat16Variant,
  OPTIMIZER_NAMES,
  type OptimizerName,
  optimizerSpec,
  PRECISIONS,
  type Precision,
} from './train-optimizers.js';
export type { RunData, RunResult, RunSettings, RunSpec, RunStatus } from './train-run.js';
export {
  BACKEND_CHOICES,
  type BackendChoice,
  type ComparisonSettings,
  DEFAULT_COMPARISON,
} from './train-settings.js';
export { USAGE_EXIT_CODE, UsageError } from './usage-error.js';
