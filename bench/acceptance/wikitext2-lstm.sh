#!/usr/bin/env bash
# WikiText-2 word-level LSTM LM with pytorch/examples' word_language_model defaults (issue 6
# acceptance): trains epoch by epoch for as long as a time budget allows, and after each epoch
# prints validation perplexity (the train command's own end-of-epoch evaluation) and test
# perplexity (vectornn eval on that epoch's latest checkpoint). Stopping and resuming at epoch
# boundaries continues the same run bit for bit, so the chain equals one uninterrupted run.
#
#   bench/acceptance/wikitext2-lstm.sh [DATA_DIR] [OUT_DIR] [BUDGET_MINUTES] [THREADS]
#
# Defaults: ../shared/data/wikitext-2, runs/wikitext2-lstm-<stamp>, 60, 2. Another epoch starts
# only while the time spent so far plus the last epoch's time stays within the budget.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${1:-$root/../shared/data/wikitext-2}"
out="${2:-$root/runs/wikitext2-lstm-$(date +%Y%m%d-%H%M%S)}"
budget_s=$(( ${3:-60} * 60 ))
threads="${4:-2}"
if [[ ! -f "$data/train.txt" || ! -f "$data/valid.txt" || ! -f "$data/test.txt" ]]; then
  echo "wikitext2-lstm: $data must hold train.txt, valid.txt and test.txt (see ../shared/data/README.md)" >&2
  exit 2
fi
# windows per epoch as Trainer.lstmStepsPerEpoch counts them: (tokens / batch - 1) / bptt, where
# tokens are the whitespace-separated words plus one <eos> per line
tokens=$(awk '{n += NF + 1} END {print n}' "$data/train.txt")
per_epoch=$(( (tokens / 20 - 1) / 35 ))
echo "train tokens $tokens, $per_epoch steps per epoch, budget ${budget_s}s, $threads threads; run folder $out"
mkdir -p "$(dirname "$out")"
printf 'epoch\ttrain_s\tvalid_ppl\ttest_ppl\n' > "$out.tsv"
spent=0
last=0
epoch=0
while (( epoch == 0 || spent + last <= budget_s )); do
  epoch=$((epoch + 1))
  t0=$(date +%s)
  if (( epoch == 1 )); then
    "$root/vectornn" train --model lstm --dataset "$data" --epochs 40 --threads "$threads" \
      --stop-at $((per_epoch * epoch)) --sample-tokens 0 --out "$out" < /dev/null
  else
    "$root/vectornn" train --resume "$out" --threads "$threads" --stop-at $((per_epoch * epoch)) \
      --sample-tokens 0 < /dev/null
  fi
  t1=$(date +%s)
  last=$((t1 - t0))
  spent=$((spent + last))
  valid=$(awk -F, -v it=$((per_epoch * epoch)) '$1 == it && $3 != "" {printf "%.2f", exp($3)}' "$out/metrics.csv")
  test=$("$root/vectornn" eval --run "$out" --split test --checkpoint "$out/latest.safetensors" --threads "$threads" \
    | sed -n 's/.*perplexity \([0-9.]*\).*/\1/p')
  printf '%d\t%d\t%s\t%s\n' "$epoch" "$last" "$valid" "$test" | tee -a "$out.tsv"
done
echo "done: $epoch epochs in ${spent}s of training; table in $out.tsv"
