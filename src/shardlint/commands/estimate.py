"""``shardlint estimate CONFIG|SCRIPT[:LINE] [--params 7B | --model MODEL] ...``: will it fit?"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DTYPES = ("fp32", "bf16", "fp16")
_FROM_CONFIG_JSON = {"float32": "fp32", "bfloat16": "bf16", "float16": "fp16"}


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _count(text: str) -> int:
    from shardlint.estimate.units import parse_count

    try:
        return parse_count(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _bytes(text: str) -> int:
    from shardlint.estimate.units import parse_bytes

    try:
        return parse_bytes(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("config", metavar="CONFIG|SCRIPT[:LINE]",
                        help="Accelerate config (YAML) or DeepSpeed JSON; or a script, Makefile or Markdown "
                             "file with a launch command (with :LINE the launch on that line), which gives the "
                             "world size, the config and the training script's arguments")
    model = parser.add_mutually_exclusive_group()
    model.add_argument("--params", type=_count, metavar="N", help="parameter count: 7B, 350M, 1.5e9")
    model.add_argument("--model", metavar="MODEL",
                       help="a model folder or its config.json, or a model id in the local Hugging Face cache")
    parser.add_argument("--num-processes", type=_positive, metavar="N",
                        help="GPUs in all (default: the config's num_processes, else 1)")
    parser.add_argument("--num-machines", type=_positive, metavar="M",
                        help="machines (default: the config's num_machines, else 1)")
    parser.add_argument("--gpu-memory", type=_bytes, metavar="SIZE",
                        help="memory of one GPU, e.g. 80GiB; warns when the estimate exceeds it "
                             "(default: gpu-memory in [tool.shardlint])")
    parser.add_argument("--torch-dtype", choices=DTYPES,
                        help="dtype the model is loaded in (default: the model's config.json, else bf16)")
    parser.add_argument("--seq-len", type=_positive, metavar="S", help="sequence length, for activations")
    parser.add_argument("--micro-batch", type=_positive, metavar="B",
                        help="micro batch per GPU, for activations (default: the DeepSpeed JSON's "
                             "train_micro_batch_size_per_gpu)")
    parser.add_argument("--checkpointing", action=argparse.BooleanOptionalAction, default=None,
                        help="activation checkpointing (default: the config's fsdp_activation_checkpointing)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def _gpu_memory(args: argparse.Namespace, folder: Path) -> int | None:
    if args.gpu_memory is not None:
        return args.gpu_memory
    from shardlint.settings.resolve import nearest_settings

    found = nearest_settings(folder)
    return found.gpu_memory if found is not None else None


def run(args: argparse.Namespace) -> int:
    from shardlint.estimate.params import ModelSize, UnknownModel
    from shardlint.estimate.setup import EstimateError
    from shardlint.settings.model import ConfigError

    from shardlint.estimate.launch import is_launch_file, read_launch

    path = Path(args.config)
    try:
        launch = read_launch(args.config, args.num_processes, args.num_machines) if is_launch_file(args.config) \
            else None
        if launch is not None:
            path = launch.config_path
        from_launch = launch is not None and launch.model_path is not None and not (args.model or args.params)
        if args.model is not None or from_launch:
            from shardlint.estimate.models import load_model

            model = load_model(launch.model_path, launch.model) if from_launch else load_model(args.model)
        elif args.params is not None:
            model = ModelSize(args.params)
        else:
            raise UnknownModel("how big is the model? pass --params (e.g. 7B) or --model (a folder or model id)")
        gpu_memory = _gpu_memory(args, path.parent)
        output = _report(args, path, model, gpu_memory, launch)
    except (UnknownModel, EstimateError, ConfigError) as exc:
        print(f"shardlint estimate: {exc}", file=sys.stderr)
        return 2
    text, finding = output
    sys.stdout.write(text)
    return 1 if finding else 0


def _report(args: argparse.Namespace, path: Path, model, gpu_memory: int | None, launch=None) -> tuple[str, bool]:
    from shardlint.estimate.compare import alternatives
    from shardlint.estimate.compute import Training, estimate
    from shardlint.estimate.fit import check_fit
    from shardlint.estimate.report import Report, Row, as_json, as_text, notes_for
    from shardlint.estimate.setup import load

    loaded = launch.loaded if launch is not None else load(path, args.num_processes, args.num_machines)
    dtype = args.torch_dtype or _FROM_CONFIG_JSON.get(model.dtype or "")
    # the config's micro batch and checkpointing apply to every row, so that the rows compare alike;
    # the command line goes first, then the training script's arguments of a launch, then the config
    written = loaded.setup
    given = launch if launch is not None else None
    checkpointing = next((c for c in (args.checkpointing, given and given.checkpointing, written.checkpointing)
                          if c is not None), None)
    training = Training(args.seq_len or (given and given.seq_len),
                        args.micro_batch or (given and given.micro_batch) or written.micro_batch,
                        checkpointing, dtype or "bf16")
    others = alternatives(loaded, path)
    rows = [Row(loaded.setup, estimate(loaded.setup, model, loaded.world, training), "this config")]
    rows += [Row(setup, estimate(setup, model, loaded.world, training), why) for why, setup in others]
    finding = None
    if gpu_memory is not None:
        finding = check_fit(loaded.setup, model, loaded.world, training, gpu_memory, [s for _, s in others])
    notes = notes_for(rows, loaded.world, training, rows[0].estimate.activations is not None, dtype is None)
    if not model.largest_layer:
        notes.append("largest layer unknown with --params: the gathered-layer terms (ZeRO-3, FSDP) are left "
                     "out; pass --model for them")
    if launch is not None:
        notes = [f"from the launch: {note}" for note in launch.notes] + notes
    report = Report(launch.title if launch is not None else str(path), model, loaded.world, training, rows,
                    gpu_memory, finding, notes)
    return (as_json(report) if args.format == "json" else as_text(report)), finding is not None
