"""The performance goals, each as a paired ratio measured in one run.

Every command is a fresh process, as a pre-commit hook or an editor save starts
it.  The commands of one figure run in turn (A B A B ...), so a machine whose
speed drifts during the run moves both sides alike; each figure is the median
of the per-pair ratios beside the median times.  Times are the child's CPU
(user + system) from ``wait4``, which a busy machine disturbs less than wall
time; peaks are its maximum resident set.

    python bench/goals.py --tools-bin DIR [--baseline OTHER_SHARDLINT] [--runs 21] [--big 10000]

``--baseline`` names a second shardlint executable (say, an install of the
previous release) to compare with, figure by figure.  The ``resident`` figures
check the same single files through a resident checker started for the run,
counting its share of the CPU (Linux).  See bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
CLEAN_YAML = ROOT / "examples" / "fsdp2-good.yaml"
FIXABLE_YAML = ROOT / "examples" / "fsdp1-bad.yaml"
DS_JSON = "repos/deepspeedai__DeepSpeedExamples/compression/bert/config/XTC/ds_config_W1A8_Qgroup1_fp32.json"
# a YAML that is no config (a CI workflow) and a Markdown file without a launch, as a repository walk
# meets many of
NOTES = "# Notes\n\nTrain with `python train.py --epochs 3`; see the config folder.\n"
WORKFLOW = "name: tests\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"


class Sample(NamedTuple):
    cpu_ms: float  # with a resident checker: the caller's and the forked run's
    peak_mb: float
    caller_ms: float  # the process started alone


class Resident:
    """``shardlint daemon run`` of the measured shardlint (``shardlint``: the command that starts it),
    in a runtime folder of its own; ``env`` runs a ``shardlint`` through it. The CPU of what it does
    for a run (accepting it, forking, the forked run) is read from the kernel's accounting of the
    process and its reaped children (Linux's /proc)."""

    def __init__(self, shardlint: list[str], folder: Path) -> None:
        folder.mkdir(mode=0o700)
        self.env = {**os.environ, "XDG_RUNTIME_DIR": str(folder), "SHARDLINT_NO_DAEMON": ""}
        self.proc = subprocess.Popen([*shardlint, "daemon", "run", "--idle-timeout", "0"], env=self.env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not list(folder.glob("shardlint/*.sock")):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{' '.join(shardlint)} daemon run did not start")
            time.sleep(0.05)

    def cpu_ms(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(ticks) for ticks in fields[11:15]) * 1000 / os.sysconf("SC_CLK_TCK")  # utime..cstime

    def settle(self) -> None:
        """Wait until the forked run that answered has been reaped, so its CPU is counted."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        for _ in range(200):
            if not children.exists() or not children.read_text().strip():
                return
            time.sleep(0.002)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


class Command(NamedTuple):
    argv: list[str]
    env: dict[str, str] | None = None
    resident: Resident | None = None  # the resident checker that runs it, whose share is counted


def run_once(cmd: Command | list[str], cwd: Path | None = None) -> Sample:
    """One fresh process: its CPU time and peak memory, from the kernel's accounting."""
    cmd = cmd if isinstance(cmd, Command) else Command(cmd)
    before = cmd.resident.cpu_ms() if cmd.resident else 0.0
    with open(os.devnull, "wb") as devnull:
        proc = subprocess.Popen(cmd.argv, stdout=devnull, stderr=devnull, stdin=subprocess.DEVNULL, cwd=cwd,
                                env=cmd.env)
        _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    caller = (usage.ru_utime + usage.ru_stime) * 1000
    share = 0.0
    if cmd.resident:
        cmd.resident.settle()
        share = cmd.resident.cpu_ms() - before
    return Sample(caller + share, usage.ru_maxrss / 1024, caller)


def paired(commands: dict[str, Command | list[str]], runs: int, cwd: Path | None = None) -> dict[str, list[Sample]]:
    """Each command ``runs`` times, in turn, after one warm-up round."""
    for cmd in commands.values():
        run_once(cmd, cwd)
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            samples[name].append(run_once(cmd, cwd))
    return samples


def ratio(samples: dict[str, list[Sample]], a: str, b: str, caller: bool = False) -> float:
    return statistics.median((x.caller_ms if caller else x.cpu_ms) / y.cpu_ms for x, y in zip(samples[a], samples[b]))


def median_ms(found: list[Sample]) -> float:
    return statistics.median(s.cpu_ms for s in found)


def load() -> str:
    """The machine's load average over the last minute, as the figure beside it was measured under."""
    return f"load {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""


def report(label: str, samples: dict[str, list[Sample]], against: list[str], peak: bool = False,
           subject: str = "shardlint") -> None:
    cells = [f"{name} {median_ms(found):8.1f} ms" + (f" {max(s.peak_mb for s in found):6.1f} MB" if peak else "")
             for name, found in samples.items()]
    ratios = [f"/{other} {ratio(samples, subject, other):5.2f}x" for other in against if other in samples]
    print(f"{label:34} " + "  ".join(cells) + "   " + "  ".join(ratios) + f"   {load()}", flush=True)


def report_resident(label: str, samples: dict[str, list[Sample]]) -> None:
    """The run through the resident checker: the caller alone, and with the resident's share."""
    caller = statistics.median(s.caller_ms for s in samples["resident"])
    print(f"{label:34} caller {caller:8.1f} ms  caller+resident {median_ms(samples['resident']):8.1f} ms  "
          f"shardlint {median_ms(samples['shardlint']):8.1f} ms  yamllint {median_ms(samples['yamllint']):8.1f} ms"
          f"   caller/yamllint {ratio(samples, 'resident', 'yamllint', caller=True):5.2f}x"
          f"  caller+resident/yamllint {ratio(samples, 'resident', 'yamllint'):5.2f}x"
          f"  /shardlint {ratio(samples, 'resident', 'shardlint'):5.2f}x   {load()}", flush=True)


def config_files(corpus: Path) -> list[str]:
    with open(corpus / "MANIFEST.tsv", newline="") as fh:
        return [str(corpus / row["file"]) for row in csv.DictReader(fh, delimiter="\t")
                if row["kind"] in ("accelerate", "deepspeed")]


def tool(name: str, folder: Path | None) -> str:
    found = str(folder / name) if folder and (folder / name).exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} is needed (pip install {name}); see --tools-bin")
    return found


def big_tree(root: Path, files: list[str], count: int) -> None:
    """``count`` configs copied from ``files`` into folders of 100."""
    for i in range(count):
        source = Path(files[i % len(files)])
        folder = root / f"d{i // 100:03}"
        folder.mkdir(exist_ok=True)
        shutil.copyfile(source, folder / f"{i:05}{source.suffix}")


# every output of ``check``, whose peak memory must stay flat in the number of files
WALK_OUTPUTS = (("text",), ("concise",), ("json",), ("sarif",), ("junit",), ("github",),
                ("text", "--statistics"), ("json", "--statistics"))


def walk_per_format(commands: Callable[..., dict[str, list[str]]], tree: Path, count: int,
                    against: list[str]) -> None:
    """The walk of ``tree`` in each output format: its CPU and peak memory (one run after a warm-up)."""
    for fmt, *flags in WALK_OUTPUTS:
        found = paired(commands(str(tree), "--format", fmt, *flags, "--exit-zero"), 1)
        report(f"walk of {count}: {' '.join([fmt, *flags])}", found, against, peak=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--tools-bin", type=Path, help="folder holding yamllint")
    parser.add_argument("--shardlint", default=str(Path(sys.executable).parent / "shardlint"))
    parser.add_argument("--baseline", help="another shardlint executable to compare with")
    parser.add_argument("--big", type=int, default=10000, help="files in the walk whose peak memory is measured")
    parser.add_argument("--only", nargs="*", default=(), help="figures to run: one resident corpus skipped walk")
    args = parser.parse_args()
    yamllint = tool("yamllint", args.tools_bin)
    only = set(args.only) or {"one", "resident", "corpus", "skipped", "walk"}
    one_file = (("one file: clean YAML", str(CLEAN_YAML)), ("one file: FSDP1, fixable", str(FIXABLE_YAML)),
                ("one file: 148-line DeepSpeed JSON", str(args.corpus / DS_JSON)))

    alone = {**os.environ, "SHARDLINT_NO_DAEMON": "1"}  # a resident checker of the developer's answers nothing

    def commands(*tail: str, peer: list[str] | None = None) -> dict[str, Command | list[str]]:
        out: dict[str, Command | list[str]] = {"shardlint": Command([args.shardlint, "check", *tail], alone)}
        if args.baseline:
            out["baseline"] = Command([args.baseline, "check", *tail], alone)
        if peer:
            out["yamllint"] = peer
        return out

    against = ["yamllint", "baseline"]
    files = config_files(args.corpus) if args.corpus.is_dir() else []
    print(f"CPU medians of {args.runs} paired runs; ratios are medians of per-pair ratios (below 1: shardlint "
          "takes less)")
    if "one" in only:
        for label, path in one_file:
            if Path(path).exists():
                report(label, paired(commands(path, peer=[yamllint, "-d", "relaxed", path]), args.runs), against)
    if "resident" in only and Path("/proc/self/stat").exists():
        with tempfile.TemporaryDirectory() as tmp:
            resident = Resident([args.shardlint], Path(tmp, "run"))
            try:
                for label, path in one_file:
                    if Path(path).exists():
                        report_resident(label.replace("one file", "resident"), paired({
                            "shardlint": Command([args.shardlint, "check", path], alone),
                            "resident": Command([args.shardlint, "check", path], resident.env, resident),
                            "yamllint": [yamllint, "-d", "relaxed", path]}, args.runs))
            finally:
                resident.stop()
    if "corpus" in only and files:
        runs = max(3, args.runs // 4)
        report(f"corpus ({len(files)} configs)",
               paired(commands(*files, peer=[yamllint, "-d", "relaxed", *files]), runs), against)
    with tempfile.TemporaryDirectory() as tmp:
        if "skipped" in only:
            for label, name, text in (("skipped non-config YAML, per file", "ci{}.yaml", WORKFLOW),
                                      ("skipped Markdown, per file", "notes{}.md", NOTES)):
                none, many = Path(tmp, "none" + name), Path(tmp, "many" + name)
                none.mkdir()
                many.mkdir()
                (none / name.format(0)).write_text(text)
                for i in range(2000):
                    (many / name.format(i)).write_text(text)
                base = paired(commands(str(none)), args.runs)
                more = paired(commands(str(many)), max(3, args.runs // 4))
                cells = [f"{who} {(median_ms(more[who]) - median_ms(base[who])) / 1999:6.3f} ms" for who in more]
                print(f"{label:34} " + "  ".join(cells) + f"   {load()}", flush=True)
        if "walk" in only and files:
            tree = Path(tmp, "tree")
            tree.mkdir()
            big_tree(tree, files, args.big)
            walk_per_format(commands, tree, args.big, against)
    return 0


if __name__ == "__main__":
    sys.exit(main())
