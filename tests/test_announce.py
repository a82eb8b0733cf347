"""Every call carries its spoken audio: a real WAV from espeak-ng, served by the server."""

from __future__ import annotations

import io
import shutil
import time
import wave
from pathlib import Path

import pytest
from websockets.sync.client import connect

from tests.conftest import HALLS
from tests.serverproc import HallServer, next_message, ok


def hall_file(path: Path, speech: str) -> Path:
    path.write_text((HALLS / "small.toml").read_text(encoding="utf-8") + speech, "utf-8")
    return path


def test_a_call_event_carries_audio_that_says_it(server: HallServer) -> None:
    kiosk = server.client()
    ok(kiosk.post("/api/tickets", json={"service": "business"}))
    li = server.login("li")
    ok(li.post("/api/windows/5/sign-in"))
    with connect(f"{server.ws_url}/ws/display") as ws:
        snapshot = next_message(ws, "snapshot")
        assert snapshot["settings"]["speech"]["catch_up_seconds"] == 30
        ok(li.post("/api/windows/5/call-next"))
        call = next_message(ws, "ticket.called")
        assert call["audio"].startswith("/audio/") and call["audio"].endswith(".wav")
        ok(li.post("/api/windows/5/recall"))
        recall = next_message(ws, "ticket.recalled")
        assert recall["audio"] == call["audio"]  # a recall speaks the same call again

    r = kiosk.get(call["audio"])
    assert r.status_code == 200 and r.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(r.content)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
        seconds = wav.getnframes() / wav.getframerate()
    assert 2.5 < seconds < 7  # chime + "请A零零一号到5号窗口办理"
    assert kiosk.get("/audio/0123456789abcdef0123.wav").status_code == 404
    assert kiosk.get("/audio/..%2Fhallcall.db").status_code == 404


def test_a_hall_can_turn_speech_off_or_use_a_voice_pack(tmp_path: Path, accounts_db: Path) -> None:
    for speech, expect_audio in (
        ("[speech]\nenabled = false\n", False),
        ('[speech]\nvoice_pack = "espeak-cmn"\n', True),
    ):
        srv = HallServer(tmp_path / f"data{expect_audio}", hall_file(tmp_path / "h.toml", speech))
        shutil.copytree(accounts_db, srv.data)
        srv.start()
        try:
            ok(srv.client().post("/api/tickets", json={"service": "business"}))
            li = srv.login("li")
            ok(li.post("/api/windows/1/sign-in"))
            called = ok(li.post("/api/windows/1/call-next"))["ticket"]
            with connect(f"{srv.ws_url}/ws/display") as ws:
                recent = next_message(ws, "snapshot")["recent_calls"][0]
            assert recent["number"] == called["number"]
            assert ("audio" in recent) is expect_audio
            if expect_audio:
                assert srv.client().get(recent["audio"]).status_code == 200
        finally:
            srv.stop()


@pytest.mark.parametrize(
    ("speech", "message"),
    [
        ('[speech]\nvoice = "sit/no-such-voice"\n', "sit/no-such-voice"),
        ("[speech]\nloudness = 3\n", "speech.loudness: unknown key"),
        ('[speech]\ntemplate = "请到窗口"\n', "speech"),
    ],
)
def test_a_wrong_speech_setting_stops_the_start(tmp_path: Path, speech: str, message: str) -> None:
    srv = HallServer(tmp_path / "data", hall_file(tmp_path / "h.toml", speech))
    srv.data.mkdir()
    with pytest.raises(RuntimeError) as err:
        srv.start()
    assert message in str(err.value)


def test_the_server_plays_calls_on_its_own_speakers_one_at_a_time(
    tmp_path: Path, accounts_db: Path
) -> None:
    log = tmp_path / "played.log"
    player = tmp_path / "play.sh"
    # A stand-in for aplay that takes the clip's real length, and notes when it ran.
    player.write_text(
        "#!/bin/sh\n"
        f'echo "start $(date +%s.%N) $1" >> {log}\n'
        'sleep "$(soxi -D "$1")"\n'
        f'echo "end $(date +%s.%N) $1" >> {log}\n'
    )
    player.chmod(0o755)
    speech = f'[speech]\nplay_on_server = true\nplayer = "{player} {{file}}"\n'
    srv = HallServer(tmp_path / "data", hall_file(tmp_path / "h.toml", speech))
    shutil.copytree(accounts_db, srv.data)
    srv.start()
    try:
        ok(srv.client().post("/api/tickets", json={"service": "business"}))
        li = srv.login("li")
        ok(li.post("/api/windows/1/sign-in"))
        ok(li.post("/api/windows/1/call-next"))
        ok(li.post("/api/windows/1/recall"))  # at once: must wait for the first to end
        deadline = time.monotonic() + 30
        while (log.read_text().count("end ") if log.exists() else 0) < 2:
            assert time.monotonic() < deadline, "the server did not play both calls"
            time.sleep(0.1)
    finally:
        srv.stop()
    lines = [line.split() for line in log.read_text().splitlines()]
    assert [kind for kind, _, _ in lines] == ["start", "end", "start", "end"]  # never overlapping
    (_, s1, clip1), (_, e1, _), (_, s2, clip2), _ = lines
    assert clip1 == clip2  # the recall speaks the same call
    assert float(e1) - float(s1) > 2.5 and float(s2) >= float(e1)
