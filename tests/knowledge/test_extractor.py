"""The extraction tool (tools/libsurface) on small sources written here: no download, nothing imported."""

from __future__ import annotations

import ast
import io
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))

from libsurface import deepspeed_surface  # noqa: E402
from libsurface.argparse_surface import parser_options  # noqa: E402
from libsurface.compare import compare  # noqa: E402
from libsurface.extract import snapshot, write_snapshot  # noqa: E402
from libsurface.pysource import SourceTree, class_fields, env_reads, local_strings  # noqa: E402


def _function(source: str) -> ast.FunctionDef:
    return ast.parse(textwrap.dedent(source)).body[0]


def test_parser_options_reads_groups_switches_and_destinations():
    options = parser_options(_function('''
        def build(parser):
            parser.add_argument("--config_file", default=None, help="The config.")
            group = parser.add_argument_group("FSDP Arguments", "About FSDP.")
            group.add_argument("--use_fsdp", default=False, action="store_true")
            group.add_argument("--fsdp_version", type=str, default="1", choices=["1", "2"])
            group.add_argument("--no-cluster", dest="use_cluster", action="store_false")
            parser.add_argument("args", nargs=argparse.REMAINDER)
    '''))
    by_name = {o["names"][0]: o for o in options}
    assert [o["names"][0] for o in options] == ["--config_file", "--use_fsdp", "--fsdp_version", "--no-cluster", "args"]
    assert by_name["--config_file"]["group"] == "parser" and by_name["--config_file"]["default"] == "None"
    assert by_name["--use_fsdp"]["switch"] is True
    assert by_name["--use_fsdp"]["group"] == "FSDP Arguments" and by_name["--use_fsdp"]["action"] == "'store_true'"
    assert by_name["--fsdp_version"]["switch"] is False
    assert by_name["--fsdp_version"]["choices_value"] == ["1", "2"] and by_name["--fsdp_version"]["type"] == "str"
    assert by_name["--no-cluster"]["dest_name"] == "use_cluster"
    assert by_name["args"]["positional"] is True and by_name["args"]["nargs"] == "argparse.REMAINDER"


def test_env_reads_resolve_prefixes_and_report_what_they_cannot():
    function = _function('''
        def __post_init__(self):
            prefix = "FSDP_"
            a = os.environ.get(prefix + "SHARDING_STRATEGY", "FULL_SHARD")
            b = str_to_bool(os.environ.get(f"{prefix}OFFLOAD_PARAMS", "False"))
            c = parse_flag_from_env("ACCELERATE_USE_CPU")
            d = os.environ[KEY] if "ACCELERATE_DEBUG" in os.environ else None
            e = os.environ.get(self.name)
    ''')
    found, unresolved = env_reads(function, local_strings(function, {"KEY": "FROM_MODULE"}))
    assert found == ["ACCELERATE_DEBUG", "ACCELERATE_USE_CPU", "FROM_MODULE", "FSDP_OFFLOAD_PARAMS",
                     "FSDP_SHARDING_STRATEGY"]
    assert unresolved == ["self.name"]


def test_class_fields_keep_defaults_metadata_and_required_fields():
    node = ast.parse(textwrap.dedent('''
        @dataclass
        class Args:
            output_dir: str
            fsdp: str = field(default="", metadata={"help": "FSDP mode", "choices": ["full_shard", ""]})
            ids: list = field(default_factory=list)
            stage: int = Field(0, alias="zero_stage", json_schema_extra={"deprecated": True, "new_param": "x"})
    ''')).body[0]
    fields = {f["name"]: f for f in class_fields(node)}
    assert fields["output_dir"]["required"] is True
    assert fields["fsdp"]["default_value"] == "" and fields["fsdp"]["metadata_choices"] == ["full_shard", ""]
    assert fields["ids"]["default_factory"] == "list"
    pydantic = {f["name"]: f for f in class_fields(node, field_call="Field")}
    assert pydantic["stage"]["alias"] == "zero_stage" and pydantic["stage"]["json_schema_extra"]["deprecated"] is True


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_deepspeed_reads_follow_the_dict_through_calls(tmp_path):
    _write(tmp_path, {
        "deepspeed/runtime/constants.py": 'TRAIN_BATCH_SIZE = "train_batch_size"\nZERO = "zero_optimization"\n',
        "deepspeed/runtime/config_utils.py": '''
            class DeepSpeedConfigModel(BaseModel):
                model_config = ConfigDict(extra="forbid")
            def get_scalar_param(d, k, default):
                return d.get(k, default)
        ''',
        "deepspeed/runtime/zero.py": '''
            from deepspeed.runtime.config_utils import DeepSpeedConfigModel
            class ZeroConfig(DeepSpeedConfigModel):
                stage: int = 0
                """The stage."""
                old: bool = Field(False, json_schema_extra={"deprecated": True})
                bucket: int = Field(5, alias="stage3_bucket")
        ''',
        "deepspeed/runtime/config.py": '''
            from .constants import *
            _REMOVED_KEYS = {"amp": "gone"}
            def get_train_batch_size(param_dict):
                return get_scalar_param(param_dict, TRAIN_BATCH_SIZE, None)
            def get_zero_config(param_dict):
                section = param_dict.get(ZERO, {})
                return ZeroConfig(**section)
            def get_monitor(param_dict):
                return {key: param_dict.get(key) for key in ("wandb", "comet")}
            class DeepSpeedConfig:
                def __init__(self, config):
                    self._param_dict = config
                    param_dict = copy.copy(self._param_dict)
                    self._initialize_params(param_dict)
                def _initialize_params(self, param_dict):
                    self.train_batch_size = get_train_batch_size(param_dict)
                    self.zero = get_zero_config(param_dict)
                    self.monitor = get_monitor(param_dict)
                    self.fp16 = param_dict["fp16"]["enabled"] if "fp16" in param_dict else False
        ''',
    })
    surface = deepspeed_surface.extract(SourceTree(tmp_path))
    reads = surface["config_reads"]
    assert set(reads["keys"]) == {"train_batch_size", "zero_optimization", "wandb", "comet", "fp16", "fp16.enabled"}
    assert reads["sections"] == {"zero_optimization": "ZeroConfig"}
    model = surface["models"]["ZeroConfig"]
    assert (model["extra"], model["extra_declared_in"]) == ("forbid", "DeepSpeedConfigModel")
    fields = {f["name"]: f for f in model["fields"]}
    assert fields["stage"]["doc"] == "The stage." and fields["old"]["deprecated"] is True
    assert fields["bucket"]["alias"] == "stage3_bucket"
    assert surface["removed_keys"] == {"deepspeed/runtime/config.py:_REMOVED_KEYS": ["amp"]}


ACCELERATE_FILES = {
    "accelerate-9.9.9/src/accelerate/commands/config/config_args.py": '''
        @dataclass
        class BaseConfig:
            distributed_type: str
        @dataclass
        class ClusterConfig(BaseConfig):
            num_processes: int = -1
            fsdp_config: dict = None
    ''',
    "accelerate-9.9.9/src/accelerate/commands/launch.py": '''
        def launch_command_parser(subparsers=None):
            parser = argparse.ArgumentParser("launch")
            fsdp_args = parser.add_argument_group("FSDP Arguments", "FSDP.")
            fsdp_args.add_argument("--fsdp_version", type=str, default="1", choices=["1", "2"])
            return parser
    ''',
    "accelerate-9.9.9/src/accelerate/utils/launch.py": '''
        def prepare_multi_gpu_env(args):
            current_env = {}
            current_env["FSDP_VERSION"] = str(args.fsdp_version)
            if getattr(args, "fsdp_ignored_modules", None) is not None:
                current_env["FSDP_IGNORED_MODULES"] = args.fsdp_ignored_modules
            return current_env
    ''',
    "accelerate-9.9.9/src/accelerate/utils/dataclasses.py": '''
        class DistributedType(str, enum.Enum):
            NO = "NO"
            FSDP = "FSDP"
        @dataclass
        class FullyShardedDataParallelPlugin:
            fsdp_version: int = field(default=None, metadata={"help": "1 or 2"})
            def __post_init__(self):
                env_prefix = "FSDP_"
                self.fsdp_version = int(os.environ.get(env_prefix + "VERSION", "1"))
    ''',
    "accelerate-9.9.9/src/accelerate/parallelism_config.py": "",
    "accelerate-9.9.9/src/accelerate/utils/constants.py": 'FSDP_VERSIONS = [1, 2]\n',
}


def test_launcher_exports_name_the_arguments_each_variable_comes_from():
    from libsurface.accelerate_surface import _exports, _local_args

    function = _function('''
        def prepare_multi_gpu_env(args):
            current_env = {}
            mixed_precision = args.mixed_precision.lower()
            current_env["ACCELERATE_MIXED_PRECISION"] = str(mixed_precision)
            if args.use_fsdp:
                current_env["ACCELERATE_USE_FSDP"] = "true"
                current_env["FSDP_OFFLOAD_PARAMS"] = str(args.fsdp_offload_params).lower()
            prefix = "ACCELERATE_"
            for arg in vars(args):
                if arg.startswith("fp8_"):
                    value = getattr(args, arg)
                    if arg == "fp8_override_linear_precision":
                        current_env[prefix + "FP8_OVERRIDE_FPROP"] = str(value[0])
                    else:
                        current_env[f"{prefix}{arg.upper()}"] = str(getattr(args, arg))
            return current_env
    ''')
    found = {r["env"]: r for r in _exports(function, local_strings(function, {}), _local_args(function))}
    assert found["ACCELERATE_MIXED_PRECISION"]["args"] == ["mixed_precision"]  # through the local name
    assert found["ACCELERATE_USE_FSDP"]["args"] == ["use_fsdp"]  # a constant: the enclosing test
    assert found["FSDP_OFFLOAD_PARAMS"] == {"env": "FSDP_OFFLOAD_PARAMS", "args": ["fsdp_offload_params"],
                                            "value": "str(args.fsdp_offload_params).lower()"}
    assert found["ACCELERATE_FP8_OVERRIDE_FPROP"]["args"] == ["fp8_override_linear_precision"]
    assert found["ACCELERATE_{ARG}"]["args"] == ["fp8_*"]


def _sdist(folder: Path) -> Path:
    archive = folder / "accelerate-9.9.9.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, text in ACCELERATE_FILES.items():
            data = textwrap.dedent(text).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return archive


def test_snapshot_of_an_sdist_is_complete_and_deterministic(tmp_path):
    archive = _sdist(tmp_path)
    outputs = []
    for run in ("a", "b"):
        work = tmp_path / run
        work.mkdir()
        data = snapshot("accelerate", "9.9.9", work, archive)
        outputs.append(write_snapshot(data, tmp_path / f"out-{run}").read_bytes())
    assert outputs[0] == outputs[1]
    assert data["config_classes"]["ClusterConfig"]["bases"] == ["BaseConfig"]
    assert [f["dest_name"] for f in data["launch_flags"]] == ["fsdp_version"]
    assert data["launcher_env"] == {"prepare_multi_gpu_env": ["FSDP_IGNORED_MODULES", "FSDP_VERSION"]}
    assert [(r["env"], r["args"]) for r in data["launcher_exports"]["prepare_multi_gpu_env"]] == [
        ("FSDP_IGNORED_MODULES", ["fsdp_ignored_modules"]), ("FSDP_VERSION", ["fsdp_version"])]
    assert "fsdp_ignored_modules" in data["launch_args_read"]
    assert data["plugins"]["FullyShardedDataParallelPlugin"]["env"] == ["FSDP_VERSION"]
    assert data["enums"]["DistributedType"] == {"NO": "NO", "FSDP": "FSDP"}
    assert data["constants"] == {"FSDP_VERSIONS": [1, 2]}


def test_a_wheel_gives_the_same_surface_as_the_sdist(tmp_path):
    import zipfile
    wheel = tmp_path / "accelerate-9.9.9-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, text in ACCELERATE_FILES.items():
            zf.writestr(name.removeprefix("accelerate-9.9.9/src/"), textwrap.dedent(text))
        zf.writestr("accelerate-9.9.9.dist-info/METADATA", "Name: accelerate\n")
    (tmp_path / "w").mkdir()
    (tmp_path / "s").mkdir()
    from_wheel = snapshot("accelerate", "9.9.9", tmp_path / "w", wheel)
    from_sdist = snapshot("accelerate", "9.9.9", tmp_path / "s", _sdist(tmp_path))
    assert {k: v for k, v in from_wheel.items() if k != "source"} == \
        {k: v for k, v in from_sdist.items() if k != "source"}


def test_compare_reports_added_removed_and_changed_facts_not_moved_lines():
    old = {"library": "x", "version": "1", "launch_flags": [
        {"names": ["--a"], "line": 1, "default": "1"}, {"names": ["--gone"], "line": 2, "default": ""}]}
    new = {"library": "x", "version": "2", "launch_flags": [
        {"names": ["--new"], "line": 1, "default": ""}, {"names": ["--a"], "line": 9, "default": "2"}]}
    result = compare(old, new)
    assert result["added"] == [("launch_flags / --new", {"default": "", "names": ["--new"]})]
    assert result["removed"] == [("launch_flags / --gone", {"default": "", "names": ["--gone"]})]
    assert result["changed"] == [("launch_flags / --a / default", "1", "2")]


def test_tool_runs_offline_from_the_command_line(tmp_path):
    import subprocess
    archive = _sdist(tmp_path)
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "extract_knowledge.py"), "accelerate", "9.9.9",
                             "--source", str(archive), "--out", str(tmp_path / "k")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "k" / "accelerate" / "9.9.9.json").is_file()


@pytest.mark.parametrize("library", ["accelerate", "deepspeed", "transformers", "trl"])
def test_every_library_has_an_extractor(library):
    from libsurface.extract import LIBRARIES
    assert library in LIBRARIES


def test_a_modules_checks_are_what_its_functions_and_methods_raise(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text(textwrap.dedent('''
        def quiet(value):
            return value
        def check(value):
            if value < 0:
                raise ValueError(f"negative: {value}")
        class Config:
            def validate(self):
                assert self.stage in (0, 1, 2, 3), "bad stage"
            def read(self):
                return self.stage
    '''), encoding="utf-8")
    assert SourceTree(tmp_path).module("config.py").checks() == {
        "check": ["ValueError: f'negative: {value}'"],
        "Config.validate": ["assert self.stage in (0, 1, 2, 3): 'bad stage'"],
    }
