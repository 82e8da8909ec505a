/** `glasswing explain-dataset --help` and `glasswing dataset-summary --help`. */
import { methodTitles } from '../method-help.js';

export function explainDatasetUsage(): string {
  return `Usage: glasswing explain-dataset --model <file> --method <id> --data <file|folder> [options]

Explain every example of a dataset with an attribution method, on all cores, into a JSONL file
with one record per example; resumable; then a summary (global importance and plots).

Required:
  --model <file>          model file, as for 'glasswing attribute'
  --method <id>           attribution method, one of:
${methodTitles()}
  --data <path>           the examples, streamed (memory does not grow with the dataset):
                          .csv (numbers; header optional; a column named 'id' gives record ids),
                          .npy (axis 0 = examples), .npz (its only array, or x / X / data /
                          inputs / arr_0; file.npz:name picks one), .jsonl (per line an array,
                          or {"input": [...], "id": ...}), or a folder of .png / .jpg images
                          (subfolders included; resized to the model input, values in [0, 1])

Options:
  --format <f>            csv, npy, npz, jsonl or images (default: from the name; a folder = images)
  --out <file.jsonl>      results (default results.jsonl); finished chunks are kept in
                          <out>.parts/ and a rerun with the same --out and options resumes
  --chunk-rows <n>        examples per chunk: the unit of work, progress and resume (default 256)
  --workers <n>           worker threads, each with its own model session (default: the cores,
                          os.availableParallelism()); ONNX Runtime gets floor(cores / workers)
                          threads per worker; 1 runs in-process
  --target <k|predicted>  class explained for every example (default predicted: each one's own)
  --top-k <k>             keep the k largest |attributions| per record instead of all of them
  --seed <n>              seed of stochastic methods; example r uses a seed mixed from n and r,
                          so results do not depend on workers or chunking (default 0)
  --max-memory-mb <m>     memory budget: chunks shrink so that workers × chunk stay within it,
                          and each worker's JS heap is capped at m / workers MiB
  --adapter <id>          as for 'glasswing attribute' (default: fastest installed)
  --baseline <b>          zeros, a constant, a tensor JSON file, or a .csv/.npy/.npz/.jsonl file
                          of rows (kernel-shap: the background set; gradient-shap: the
                          baseline distribution)
  --summary <dir>         where the summary goes (default <out without .jsonl>-summary)
  --no-summary            skip the summary ('glasswing dataset-summary' makes it later)
  --steps, --samples, --stdev, --quadrature, --layer, --feature-mask, ... the method options of
                          'glasswing attribute' (see 'glasswing attribute --help')
  --progress, --no-progress  progress bar (rows, ETA) on stderr: always / never
                          (default: when stderr is a terminal)
  -h, --help              show this help

Output: one JSON object per line, in row order:
  {"id", "row", "target", "prediction": [...model outputs], "attributions": [...flat] or
   "topK": [{"index", "value"}, ...], "shape": [...one example's attribution shape],
   "delta": completeness δ (methods that define one; mean over a method's samples)}
Summary folder: summary.json (mean |φ| per feature, overall and per class; δ statistics),
beeswarm.svg and dependence-<feature>.svg (1-D inputs), class-average.png/.svg (images: the
mean attribution map of each class). Ctrl-C stops at once, abandoning the chunks in flight;
finished chunks stay and the same command resumes (exit code 130).
`;
}

export function datasetSummaryUsage(): string {
  return `Usage: glasswing dataset-summary --results <file.jsonl> [--out <dir>] [--data <path>] [--layout NHWC|NCHW]

Summarise an explain-dataset results file: global importance (mean |φ| per feature, overall and
per class), completeness δ statistics, a beeswarm and dependence plots (1-D inputs; dots
coloured by feature values when the data can be read), per-class average heat maps (images).

Options:
  --results <file>    the explain-dataset output (required)
  --out <dir>         summary folder (default <results without .jsonl>-summary)
  --data <path>       the dataset, for feature values and CSV column names (default: the one
                      recorded in <results>.parts/job.json, when present)
  --layout <l>        layout of image attributions (default NHWC)
  -h, --help          show this help
`;
}
