"""Downloads from a Hugging Face–compatible hub, through ``huggingface_hub``.

The hub here is ``FakeHub`` (``models_fake_hub.py``): a real HTTP server on 127.0.0.1 that
answers the routes ``huggingface_hub`` calls (model info, ``HEAD``/``GET`` on ``resolve``, the
CDN redirect of LFS files, ``Range``) with the hub's headers. It stands in for huggingface.co,
which cannot be reached from where these tests run; the code under test, ours and the
library's, is exactly what talks to the real hub.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from models_fake_hub import FakeHub, gguf_bytes

from tarjama.errors import ModelError, ModelNotFoundError
from tarjama.models import get_installed, install, list_installed, remove, verify
from tarjama.models.hub import download_snapshot, select_files
from tarjama.settings import Settings

QWEN = "qwen2.5-1.5b-instruct"
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


def _repo_cache(settings: Settings, repo_id: str) -> Path:
    """Where huggingface_hub keeps ``repo_id`` inside the cache folder (its documented layout)."""
    return settings.hub_cache_dir / ("models--" + repo_id.replace("/", "--"))


def _gguf_snapshot(settings: Settings) -> list[Path]:
    snapshot = download_snapshot(
        QWEN_REPO, kind="gguf", files=[QWEN_FILE], settings=settings, progress=False
    )
    return [item.path for item in snapshot.files]


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


def test_download_snapshot_fetches_what_the_engine_needs_at_one_commit_and_checks_hashes(
    fake_hub: FakeHub, hub_settings: Settings
) -> None:
    files = _marian_repo()
    repo = fake_hub.add(MARIAN_REPO, files)
    snapshot = download_snapshot(
        MARIAN_REPO, kind="ctranslate2", settings=hub_settings, progress=False
    )
    assert snapshot.sha == repo.sha
    assert snapshot.folder == _repo_cache(hub_settings, MARIAN_REPO) / "snapshots" / repo.sha
    got = {item.name: item for item in snapshot.files}
    assert set(got) == set(select_files(files, "ctranslate2"))
    for name, item in got.items():
        assert item.path == snapshot.folder / name
        assert item.path.read_bytes() == files[name]
        assert item.sha256 == hashlib.sha256(files[name]).hexdigest()
        # Checked against the hub's word: SHA-256 for LFS files, the git blob id for the rest.
        assert item.checked, name
    # The branch was resolved once; every file was then asked for at that commit.
    assert [path for _, path, *_ in fake_hub.requests_for("/api/models/")] == [
        f"/api/models/{MARIAN_REPO}/revision/main"
    ]
    heads = [path for method, path, *_ in fake_hub.log if method == "HEAD"]
    assert len(heads) == len(got) and all(f"/resolve/{repo.sha}/" in path for path in heads)
    # LFS bytes came from where the hub's redirect pointed.
    assert fake_hub.requests_for(f"/cdn/{MARIAN_REPO}/model.safetensors")
    assert not fake_hub.requests_for("pytorch_model.bin")
    assert not list(_repo_cache(hub_settings, MARIAN_REPO).glob("blobs/*.incomplete"))


def test_install_gguf_from_hub_writes_manifest_and_keeps_one_copy(
    fake_hub: FakeHub, hub_settings: Settings
) -> None:
    data = gguf_bytes(300_000)
    repo = fake_hub.add(QWEN_REPO, {QWEN_FILE: data, "README.md": b"readme"})
    model = install(QWEN, hub_settings, progress=False)
    assert model.engine == "llama" and model.format == "gguf" and model.family == "chat"
    assert model.main_file.name == QWEN_FILE
    assert model.engine_path == model.main_file
    assert model.main_file.read_bytes() == data
    manifest = model.manifest
    assert manifest["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["revision"] == repo.sha
    assert manifest["source"]["repo"] == QWEN_REPO and manifest["source"]["sha"] == repo.sha
    assert manifest["source"]["hub"] == fake_hub.url
    assert manifest["files"] == [
        {"path": QWEN_FILE, "size": len(data), "sha256": manifest["sha256"]}
    ]
    assert [m.name for m in list_installed(hub_settings)] == [QWEN]
    assert verify(QWEN, hub_settings).ok
    # The store's file is the cache's blob (a hard link), not a second copy on disk.
    blob = _repo_cache(hub_settings, QWEN_REPO) / "blobs" / manifest["sha256"]
    assert os.path.samefile(model.main_file, blob)

    # Installed and intact: a second install does not touch the network.
    before = len(fake_hub.log)
    again = install(QWEN, hub_settings, progress=False)
    assert again.manifest == model.manifest
    assert len(fake_hub.log) == before


def test_private_repo_needs_a_token_from_settings_or_hf_token(
    fake_hub: FakeHub, hub_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = gguf_bytes(20_000)
    fake_hub.add(QWEN_REPO, {QWEN_FILE: data}, private=True)

    with pytest.raises(ModelNotFoundError, match="private and needs a token") as info:
        install(QWEN, hub_settings, progress=False)
    message = str(info.value)
    assert "HTTP 401" in message and "TARJAMA_HUB_TOKEN" in message
    assert f"tarjama models import PATH --name {QWEN}" in message
    assert get_installed(QWEN, hub_settings) is None

    # TARJAMA_HUB_TOKEN → the token huggingface_hub sends, as a Bearer Authorization.
    fake_hub.log.clear()
    with_token = hub_settings.model_copy(update={"hub_token": fake_hub.token})
    [path] = _gguf_snapshot(with_token)
    assert path.read_bytes() == data
    assert fake_hub.log and all(auth == f"Bearer {fake_hub.token}" for *_, auth in fake_hub.log)

    # Without TARJAMA_HUB_TOKEN, huggingface_hub's own HF_TOKEN is used.
    monkeypatch.setenv("HF_TOKEN", fake_hub.token)
    fake_hub.log.clear()
    assert install(QWEN, hub_settings, progress=False).main_file.read_bytes() == data
    assert fake_hub.log and all(auth == f"Bearer {fake_hub.token}" for *_, auth in fake_hub.log)

    # A token the hub does not accept: 401, said as such.
    wrong = hub_settings.model_copy(update={"hub_token": "hf_wrong"})
    with pytest.raises(ModelError, match=r"refused the token \(HTTP 401"):
        install(QWEN, wrong, progress=False, force=True)


def test_gated_repo_says_how_to_get_access(fake_hub: FakeHub, hub_settings: Settings) -> None:
    fake_hub.add(QWEN_REPO, {QWEN_FILE: gguf_bytes(1000)}).gated = True
    with_token = hub_settings.model_copy(update={"hub_token": fake_hub.token})
    with pytest.raises(ModelError, match=r"is gated \(HTTP 403\): accept its terms") as info:
        install(QWEN, with_token, progress=False)
    assert f"tarjama models import PATH --name {QWEN}" in str(info.value)
    assert get_installed(QWEN, hub_settings) is None


def test_interrupted_download_resumes_with_a_range_request(
    fake_hub: FakeHub, hub_settings: Settings
) -> None:
    data = gguf_bytes(200_000, seed=1)
    fake_hub.add(QWEN_REPO, {QWEN_FILE: data})
    sha = hashlib.sha256(data).hexdigest()
    blobs = _repo_cache(hub_settings, QWEN_REPO) / "blobs"
    blobs.mkdir(parents=True)
    (blobs / f"{sha}.incomplete").write_bytes(data[:70_000])  # what a killed run leaves
    [path] = _gguf_snapshot(hub_settings)
    assert path.read_bytes() == data
    ranges = [rng for _, _, rng, _ in fake_hub.requests_for(f"/cdn/{QWEN_REPO}/")]
    assert ranges == ["bytes=70000-"]
    assert fake_hub.served[QWEN_FILE] == len(data) - 70_000
    assert not list(blobs.glob("*.incomplete"))


def test_dropped_connection_is_resumed(
    fake_hub: FakeHub, hub_settings: Settings, fast_retries: None
) -> None:
    """The server drops the connection mid-file, once: the next try asks only for the rest.

    huggingface_hub writes in chunks of ``DOWNLOAD_CHUNK_SIZE`` (10 MiB): what was written
    stays, the chunk in flight when the connection broke is fetched again.
    """
    from huggingface_hub.constants import DOWNLOAD_CHUNK_SIZE

    data = gguf_bytes(DOWNLOAD_CHUNK_SIZE + 2_000_000, seed=2)
    fake_hub.add(QWEN_REPO, {QWEN_FILE: data})
    cut = DOWNLOAD_CHUNK_SIZE + 1_000_000
    fake_hub.cut[QWEN_FILE] = cut
    [path] = _gguf_snapshot(hub_settings)
    assert path.read_bytes() == data
    cdn = [rng for _, _, rng, _ in fake_hub.requests_for(f"/cdn/{QWEN_REPO}/")]
    assert cdn == [None, f"bytes={DOWNLOAD_CHUNK_SIZE}-"]
    assert fake_hub.served[QWEN_FILE] == cut + len(data) - DOWNLOAD_CHUNK_SIZE


def test_server_errors_are_retried(
    fake_hub: FakeHub, hub_settings: Settings, fast_retries: None
) -> None:
    data = gguf_bytes(10_000)
    repo = fake_hub.add(QWEN_REPO, {QWEN_FILE: data})
    fake_hub.fail[f"/api/models/{QWEN_REPO}/revision/main"] = 2
    fake_hub.fail[f"/{QWEN_REPO}/resolve/{repo.sha}/{QWEN_FILE}"] = 1
    [path] = _gguf_snapshot(hub_settings)
    assert path.read_bytes() == data
    assert len(fake_hub.requests_for("/api/models/")) == 3
    assert [method for method, *_ in fake_hub.requests_for("/resolve/")] == ["HEAD", "HEAD"]


def test_persistent_server_errors_give_up_with_clear_error(
    fake_hub: FakeHub, hub_settings: Settings, fast_retries: None
) -> None:
    fake_hub.add(QWEN_REPO, {QWEN_FILE: gguf_bytes(1000)})
    fake_hub.fail[f"/api/models/{QWEN_REPO}/revision/main"] = 100
    with pytest.raises(ModelError, match=r"HTTP 503, after 5 tries") as info:
        install(QWEN, hub_settings, progress=False)
    assert f"tarjama models import PATH --name {QWEN}" in str(info.value)
    assert get_installed(QWEN, hub_settings) is None


def test_not_found_answers_are_clear_errors(fake_hub: FakeHub, hub_settings: Settings) -> None:
    repo = fake_hub.add(QWEN_REPO, {QWEN_FILE: gguf_bytes(1000), "other.gguf": b"GGUF"})

    # The repo is not on this hub at all: the hub answers 401 RepoNotFound, as it does.
    with pytest.raises(ModelNotFoundError, match=r"has no repo Qwen/Qwen2\.5-3B") as info:
        install("qwen2.5-3b-instruct", hub_settings, progress=False)
    assert "model 'qwen2.5-3b-instruct' is not installed" in str(info.value)
    assert "tarjama models import PATH --name qwen2.5-3b-instruct" in str(info.value)

    # A revision the repo does not have: 404 RevisionNotFound.
    with pytest.raises(ModelNotFoundError, match=r"has no revision 'v9'"):
        download_snapshot(
            QWEN_REPO,
            kind="gguf",
            files=[QWEN_FILE],
            revision="v9",
            settings=hub_settings,
            progress=False,
        )

    # A file the listing names but the hub cannot serve (a mirror behind): 404 EntryNotFound.
    fake_hub.behind.add(f"{QWEN_REPO}/other.gguf")
    with pytest.raises(ModelNotFoundError, match=r"other\.gguf not found in Qwen/.* \(HTTP 404\)"):
        download_snapshot(
            QWEN_REPO, kind="gguf", files=["other.gguf"], settings=hub_settings, progress=False
        )
    assert repo.sha
    assert list_installed(hub_settings) == []


def test_hash_mismatch_is_refused_and_not_kept(fake_hub: FakeHub, hub_settings: Settings) -> None:
    data = gguf_bytes(50_000)
    fake_hub.add(QWEN_REPO, {QWEN_FILE: data})
    fake_hub.corrupt.add(QWEN_FILE)  # same size, one byte flipped: only a hash can tell
    with pytest.raises(ModelError, match="corrupt") as info:
        install(QWEN, hub_settings, progress=False)
    assert "sha256 does not match" in str(info.value)
    assert get_installed(QWEN, hub_settings) is None
    assert list_installed(hub_settings) == []
    cache = _repo_cache(hub_settings, QWEN_REPO)
    assert not [path for path in cache.rglob("*") if path.is_file() or path.is_symlink()]
    assert not list((hub_settings.models_dir / QWEN).glob("*.gguf*"))

    # Once the hub serves the right bytes, the next install downloads them afresh.
    fake_hub.corrupt.clear()
    assert install(QWEN, hub_settings, progress=False).main_file.read_bytes() == data


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


def test_offline_without_a_cache_refuses_before_any_request(
    fake_hub: FakeHub, hub_settings: Settings
) -> None:
    fake_hub.add(MARIAN_REPO, _marian_repo())
    offline = hub_settings.model_copy(update={"offline": True})
    with pytest.raises(ModelNotFoundError, match="not in the download cache") as info:
        install("opus-mt-ar-en", offline, progress=False)
    assert "tarjama models import PATH --name opus-mt-ar-en" in str(info.value)
    assert fake_hub.log == []


def test_offline_with_a_cache_installs_from_it(fake_hub: FakeHub, hub_settings: Settings) -> None:
    data = gguf_bytes(40_000, seed=3)
    repo = fake_hub.add(QWEN_REPO, {QWEN_FILE: data})
    first = install(QWEN, hub_settings, progress=False)
    assert remove(QWEN, hub_settings)
    fake_hub.log.clear()

    offline = hub_settings.model_copy(update={"offline": True})
    again = install(QWEN, offline, progress=False)
    assert fake_hub.log == []
    assert again.main_file.read_bytes() == data
    assert again.manifest["revision"] == repo.sha == first.manifest["revision"]
    assert again.manifest["sha256"] == first.manifest["sha256"]

    # A cached file that no longer matches its hash is refused offline too, and dropped.
    blob = _repo_cache(hub_settings, QWEN_REPO) / "blobs" / first.manifest["sha256"]
    assert remove(QWEN, hub_settings)
    blob.write_bytes(b"X" + data[1:])
    with pytest.raises(ModelError, match="corrupt"):
        install(QWEN, offline, progress=False)
    assert not blob.exists() and fake_hub.log == []


def test_renamed_repo_is_followed(fake_hub: FakeHub, hub_settings: Settings) -> None:
    data = gguf_bytes(30_000, seed=4)
    fake_hub.add("Qwen/renamed-gguf", {QWEN_FILE: data})
    fake_hub.renamed[QWEN_REPO] = "Qwen/renamed-gguf"
    assert install(QWEN, hub_settings, progress=False).main_file.read_bytes() == data
    assert fake_hub.requests_for("/Qwen/renamed-gguf/resolve/")


def test_cli_uses_hf_endpoint_mirror_and_reports_errors_in_one_line(
    fake_hub: FakeHub, tmp_path: Path
) -> None:
    """The real command line: ``HF_ENDPOINT`` picks the mirror when TARJAMA_HUB_URL is unset,
    and ``HF_HUB_OFFLINE`` means offline; errors are one line with the model exit code."""
    data = gguf_bytes(25_000, seed=5)
    fake_hub.add(QWEN_REPO, {QWEN_FILE: data})
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TARJAMA_", "HF_"))}
    env.update(TARJAMA_HOME=str(tmp_path / "home"), HF_ENDPOINT=fake_hub.url)

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "tarjama.cli", "models", "install", *args]
        return subprocess.run(
            command, env={**env, **extra}, capture_output=True, text=True, timeout=120
        )

    done = run(QWEN)
    assert done.returncode == 0, done.stderr
    model = tmp_path / "home" / "models" / QWEN / QWEN_FILE
    assert model.read_bytes() == data

    missing = run("qwen2.5-3b-instruct")
    assert missing.returncode == 4  # the model exit code
    assert "Traceback" not in missing.stderr
    assert "has no repo" in missing.stderr and fake_hub.url in missing.stderr

    # huggingface_hub's own HF_HUB_OFFLINE is offline mode too: no request, a clear error.
    before = len(fake_hub.log)
    offline = run("opus-mt-ar-en", HF_HUB_OFFLINE="1")
    assert offline.returncode == 4 and "Traceback" not in offline.stderr
    assert "not in the download cache" in offline.stderr
    assert len(fake_hub.log) == before


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
    assert not (model.path / "source.spm").is_symlink()  # a copy, not a link into the cache
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
