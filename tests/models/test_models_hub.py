"""Downloads from a Hugging Face–compatible hub.

The hub here is ``FakeHub`` (see conftest): a real HTTP server on 127.0.0.1 that serves the
hub's URL layout and headers. It stands in for huggingface.co, which cannot be reached from
where these tests run; the client code under test is exactly what talks to the real hub.
"""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pytest
from models_fake_hub import FakeHub, gguf_bytes

from tarjama.errors import ModelError
from tarjama.models import get_installed, install, list_installed, verify
from tarjama.models.hub import HubClient, download_snapshot, select_files
from tarjama.settings import Settings

QWEN_REPO = "Qwen/Qwen2.5-1.5B-Instruct-GGUF"
QWEN_FILE = "qwen2.5-1.5b-instruct-q4_k_m.gguf"
MARIAN_REPO = "Helsinki-NLP/opus-mt-ar-en"


def _marian_repo() -> dict[str, bytes]:
    return {
        "config.json": json.dumps({"model_type": "marian"}).encode(),
        "generation_config.json": b"{}",
        "tokenizer_config.json": b'{"tokenizer_class": "MarianTokenizer"}',
        "vocab.json": b'{"<pad>": 0}',
        "source.spm": b"spm-source" * 100,
        "target.spm": b"spm-target" * 100,
        "model.safetensors": b"safetensors" * 5000,
        "pytorch_model.bin": b"torch" * 5000,
        "tf_model.h5": b"tf" * 100,
        "rust_model.ot": b"rust" * 100,
        "README.md": b"# opus-mt-ar-en",
        "onnx/encoder_model.onnx": b"onnx",
    }


def test_select_files_prefers_safetensors_and_skips_other_frameworks() -> None:
    chosen = select_files(_marian_repo(), "ctranslate2")
    assert chosen[0] == "config.json"
    assert "model.safetensors" in chosen and "pytorch_model.bin" not in chosen
    assert {"source.spm", "target.spm", "vocab.json", "tokenizer_config.json"} <= set(chosen)
    assert not {"tf_model.h5", "rust_model.ot", "README.md", "onnx/encoder_model.onnx"} & set(
        chosen
    )
    without = {k: v for k, v in _marian_repo().items() if k != "model.safetensors"}
    assert "pytorch_model.bin" in select_files(without, "ctranslate2")
    sharded = ["config.json", "model.safetensors.index.json"]
    sharded += ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
    assert select_files(sharded, "ctranslate2") == sharded


def test_select_files_errors_name_what_is_missing() -> None:
    with pytest.raises(ModelError, match="no weights"):
        select_files(["config.json", "source.spm"], "ctranslate2", repo_id="x/y")
    with pytest.raises(ModelError, match=r"its \.gguf files are: a\.gguf"):
        select_files(["a.gguf"], "gguf", ["b.gguf"], repo_id="x/y")


def test_download_snapshot_fetches_only_what_the_engine_needs(
    fake_hub: FakeHub, hub_settings: Settings, tmp_path: Path
) -> None:
    files = _marian_repo()
    repo = fake_hub.add(MARIAN_REPO, files)
    snapshot = download_snapshot(
        MARIAN_REPO, tmp_path / "dl", kind="ctranslate2", settings=hub_settings, progress=False
    )
    assert snapshot.sha == repo.sha
    got = {item.name: item for item in snapshot.files}
    assert set(got) == set(select_files(files, "ctranslate2"))
    for name, item in got.items():
        assert item.path.read_bytes() == files[name]
        assert item.sha256 == hashlib.sha256(files[name]).hexdigest()
    assert got["model.safetensors"].checked  # LFS: the hub's SHA-256 was checked
    # Every file was fetched at the resolved commit, not at the moving branch name.
    downloads = [path for _, path, _, _ in fake_hub.log if "/resolve/" in path]
    assert downloads and all(f"/resolve/{repo.sha}/" in path for path in downloads)
    assert not list((tmp_path / "dl").glob("*.part"))


def test_install_gguf_from_hub_writes_manifest(fake_hub: FakeHub, hub_settings: Settings) -> None:
    data = gguf_bytes(300_000)
    repo = fake_hub.add(QWEN_REPO, {QWEN_FILE: data, "README.md": b"readme"})
    model = install("qwen2.5-1.5b-instruct", hub_settings, progress=False)
    assert model.engine == "llama" and model.format == "gguf" and model.family == "chat"
    assert model.main_file.name == QWEN_FILE
    assert model.engine_path == model.main_file
    assert model.main_file.read_bytes() == data
    manifest = model.manifest
    assert manifest["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["revision"] == repo.sha
    assert manifest["source"]["repo"] == QWEN_REPO and manifest["source"]["sha"] == repo.sha
    assert manifest["files"] == [
        {"path": QWEN_FILE, "size": len(data), "sha256": manifest["sha256"]}
    ]
    assert [m.name for m in list_installed(hub_settings)] == ["qwen2.5-1.5b-instruct"]
    assert verify("qwen2.5-1.5b-instruct", hub_settings).ok

    # Installed and intact: a second install does not touch the network.
    before = len(fake_hub.log)
    again = install("qwen2.5-1.5b-instruct", hub_settings, progress=False)
    assert again.manifest == model.manifest
    assert len(fake_hub.log) == before


def test_bearer_token_is_sent(fake_hub: FakeHub, hub_settings: Settings, tmp_path: Path) -> None:
    fake_hub.add(QWEN_REPO, {QWEN_FILE: gguf_bytes(1000)})
    with_token = hub_settings.model_copy(update={"hub_token": "hf_secret"})
    download_snapshot(
        QWEN_REPO, tmp_path, kind="gguf", files=[QWEN_FILE], settings=with_token, progress=False
    )
    assert fake_hub.log and all(auth == "Bearer hf_secret" for *_, auth in fake_hub.log)


def test_resume_partial_file_with_range_request(
    fake_hub: FakeHub, hub_settings: Settings, tmp_path: Path
) -> None:
    data = gguf_bytes(200_000, seed=1)
    fake_hub.add(QWEN_REPO, {QWEN_FILE: data})
    (tmp_path / f"{QWEN_FILE}.part").write_bytes(data[:70_000])
    snapshot = download_snapshot(
        QWEN_REPO, tmp_path, kind="gguf", files=[QWEN_FILE], settings=hub_settings, progress=False
    )
    assert (tmp_path / QWEN_FILE).read_bytes() == data
    assert snapshot.files[0].sha256 == hashlib.sha256(data).hexdigest()
    ranges = [rng for _, path, rng, _ in fake_hub.requests_for(QWEN_FILE)]
    assert "bytes=70000-" in ranges
    assert not (tmp_path / f"{QWEN_FILE}.part").exists()


def test_dropped_connection_is_resumed(
    fake_hub: FakeHub, hub_settings: Settings, tmp_path: Path, fast_retries: None
) -> None:
    data = gguf_bytes(500_000, seed=2)
    fake_hub.add(QWEN_REPO, {QWEN_FILE: data})
    fake_hub.cut[QWEN_FILE] = 123_456
    download_snapshot(
        QWEN_REPO, tmp_path, kind="gguf", files=[QWEN_FILE], settings=hub_settings, progress=False
    )
    assert (tmp_path / QWEN_FILE).read_bytes() == data
    cdn = [rng for _, path, rng, _ in fake_hub.requests_for(f"/cdn/{QWEN_REPO}/")]
    assert cdn[0] is None and cdn[-1] == "bytes=123456-"


def test_server_errors_are_retried(
    fake_hub: FakeHub, hub_settings: Settings, tmp_path: Path, fast_retries: None
) -> None:
    data = gguf_bytes(10_000)
    repo = fake_hub.add(QWEN_REPO, {QWEN_FILE: data})
    fake_hub.fail[f"/api/models/{QWEN_REPO}/revision/main"] = 1
    fake_hub.fail[f"/{QWEN_REPO}/resolve/{repo.sha}/{QWEN_FILE}"] = 2
    download_snapshot(
        QWEN_REPO, tmp_path, kind="gguf", files=[QWEN_FILE], settings=hub_settings, progress=False
    )
    assert (tmp_path / QWEN_FILE).read_bytes() == data
    assert len(fake_hub.requests_for("/api/models/")) == 2
    assert len(fake_hub.requests_for("/resolve/")) == 3


def test_persistent_server_errors_give_up_with_clear_error(
    fake_hub: FakeHub, hub_settings: Settings, fast_retries: None
) -> None:
    fake_hub.add(QWEN_REPO, {QWEN_FILE: gguf_bytes(1000)})
    fake_hub.fail[f"/api/models/{QWEN_REPO}/revision/main"] = 100
    with pytest.raises(ModelError, match=r"HTTP 503, after 5 tries") as info:
        install("qwen2.5-1.5b-instruct", hub_settings, progress=False)
    assert "tarjama models import PATH --name qwen2.5-1.5b-instruct" in str(info.value)
    assert get_installed("qwen2.5-1.5b-instruct", hub_settings) is None


def test_missing_file_is_a_clear_model_error(
    fake_hub: FakeHub, hub_settings: Settings, tmp_path: Path
) -> None:
    repo = fake_hub.add(QWEN_REPO, {QWEN_FILE: gguf_bytes(1000)})
    client = HubClient(hub_settings.hub_url, progress=False, model_name="demo")
    with client, pytest.raises(ModelError, match=r"not found \(HTTP 404\)") as info:
        client.download(QWEN_REPO, repo.sha, "nope.gguf", tmp_path)
    message = str(info.value)
    assert "demo" in message and "tarjama models import PATH --name demo" in message
    error = info.value  # no chained library traceback behind it
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)
    assert list(tmp_path.iterdir()) == []


def test_unknown_repo_is_a_clear_model_error(fake_hub: FakeHub, hub_settings: Settings) -> None:
    # The catalog's repo is not on this hub at all: 404 on the API call.
    with pytest.raises(ModelError, match="not found") as info:
        install("qwen2.5-3b-instruct", hub_settings, progress=False)
    assert "qwen2.5-3b-instruct" in str(info.value)
    assert "tarjama models import PATH --name qwen2.5-3b-instruct" in str(info.value)


def test_hash_mismatch_installs_nothing(fake_hub: FakeHub, hub_settings: Settings) -> None:
    fake_hub.add(QWEN_REPO, {QWEN_FILE: gguf_bytes(50_000)})
    fake_hub.corrupt.add(QWEN_FILE)
    with pytest.raises(ModelError, match="corrupt"):
        install("qwen2.5-1.5b-instruct", hub_settings, progress=False)
    assert get_installed("qwen2.5-1.5b-instruct", hub_settings) is None
    assert list_installed(hub_settings) == []
    folder = hub_settings.models_dir / "qwen2.5-1.5b-instruct"
    assert not list(folder.glob("*.gguf*"))  # neither the file nor a .part is left


def test_unreachable_hub_names_model_and_import_command(
    settings: Settings, fast_retries: None
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dead = settings.model_copy(update={"hub_url": f"http://127.0.0.1:{port}"})
    with pytest.raises(ModelError, match="cannot be reached") as info:
        install("opus-mt-ar-en", dead, progress=False)
    assert "opus-mt-ar-en" in str(info.value)
    assert "tarjama models import PATH --name opus-mt-ar-en" in str(info.value)


def test_offline_refuses_before_any_request(fake_hub: FakeHub, hub_settings: Settings) -> None:
    offline = hub_settings.model_copy(update={"offline": True})
    with pytest.raises(ModelError, match="offline") as info:
        install("opus-mt-ar-en", offline, progress=False)
    assert "tarjama models import PATH --name opus-mt-ar-en" in str(info.value)
    assert fake_hub.log == []


def test_hub_marian_is_downloaded_converted_and_opens(
    fake_hub: FakeHub, hub_settings: Settings, tiny_marian_hf: Path
) -> None:
    """Full path: hub → download → convert to CTranslate2 int8 → manifest → open the engine."""
    pytest.importorskip("ctranslate2")
    from tarjama.models import open_model

    files = {
        path.name: path.read_bytes() for path in sorted(tiny_marian_hf.iterdir()) if path.is_file()
    }
    repo = fake_hub.add(MARIAN_REPO, files)
    model = install("opus-mt-ar-en", hub_settings, progress=False)
    assert model.engine == "ctranslate2" and model.family == "marian"
    assert model.manifest["revision"] == repo.sha
    assert model.manifest["quantization"] == "int8"
    assert {item["path"] for item in model.manifest["source"]["files"]} <= set(files)
    assert (model.path / "model.bin").is_file() and (model.path / "source.spm").is_file()
    assert not (hub_settings.models_dir / ".download-opus-mt-ar-en").exists()
    assert verify("opus-mt-ar-en", hub_settings).ok

    from tarjama.document import Segment

    engine = open_model("opus-mt-ar-en", hub_settings)
    try:
        text = "قال الوزير إن المحادثات كانت بناءة."
        segment = Segment(id="s0", block_id="b0", index=0, source=text, start=0, end=len(text))
        [hypothesis] = engine.translate([segment])
        assert isinstance(hypothesis.text, str)
    finally:
        engine.close()
