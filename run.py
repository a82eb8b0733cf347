"""HallCall's command line: serve a hall, manage staff accounts, check a hall file."""

from __future__ import annotations

import argparse
import contextlib
import logging
import secrets
import sys
from pathlib import Path

from hall.actors import Role
from hall.clock import SystemClock
from hall.config import DEMO_CONFIG, ConfigError, HallConfig, load_config
from hall.errors import DomainError
from hall.people.accounts import Accounts
from hall.people.passwords import check_password
from server.app import open_store

DEMO_USERS = (  # (username, name, role): made on the demo hall's first start only
    ("admin", "系统管理员", Role.ADMIN),
    ("wangfang", "王芳", Role.MANAGER),
    ("zhangwei", "张伟", Role.STAFF),
    ("liuna", "刘娜", Role.STAFF),
    ("chenjie", "陈杰", Role.STAFF),
)


def main(argv: list[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    if raw[:1] == ["city"]:  # the city hub is a second role with its own commands
        from city.cli import main as city_main

        return city_main(raw[1:])
    parser = argparse.ArgumentParser(prog="run.py", description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("data"), help="where the database lives")
    parser.add_argument("--config", type=Path, help="the hall file (TOML); the demo hall if none")
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="start the server (the default command)")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--log-level", default="info")

    user = sub.add_parser("user", help="staff accounts")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--role", choices=[r.value for r in Role], required=True)
    add.add_argument("--name", help="the name shown on screens (default: the username)")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from standard input",
    )
    passwd = user_sub.add_parser("passwd", help="set a new password (ends the user's sessions)")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true", required=True)
    user_sub.add_parser("list", help="list the accounts")

    agent = sub.add_parser(
        "printer-agent", help="on a kiosk PC: print the server's slips on a local printer"
    )
    agent.add_argument("--server", required=True, help="the server, e.g. http://192.168.1.10:8000")
    agent.add_argument("--printer", required=True, help="the printer's name in the hall file")
    agent.add_argument(
        "--key-file",
        type=Path,
        required=True,
        help="a file holding the printer's key (kept off the command line)",
    )
    agent.add_argument(
        "--connection",
        required=True,
        help="the local printer: usb:VID:PID, serial:DEV:BAUD, host:port or file:PATH",
    )

    check = sub.add_parser("check-config", help="check a hall file and say what is wrong")
    check.add_argument("file", type=Path)

    # Global options may come anywhere (`run.py serve --data /x`, `run.py --port 9000 --data
    # /x`), and `run.py --port 9000` means serve: let the serve options work without the word.
    args_in = _hoist_globals(list(sys.argv[1:] if argv is None else argv))
    commands = ("serve", "user", "check-config", "printer-agent", "-h", "--help")
    if not any(a in commands for a in args_in):
        args_in = _insert_serve(args_in)
    args = parser.parse_args(args_in)

    if args.command == "printer-agent":
        return _printer_agent(args)
    try:
        if args.command == "check-config":
            config = load_config(args.file)
            print(
                f"{args.file}: OK: {len(config.services)} services, {len(config.windows)} windows"
            )
            return 0
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    if args.command == "user":
        return _user(args, args.data)
    return _serve(args, config)


def _printer_agent(args: argparse.Namespace) -> int:
    import asyncio

    from printers.agent_client import run_agent
    from printers.spec import parse_connection

    logging.basicConfig(level="INFO", format="%(asctime)s %(name)s %(message)s")
    try:
        spec = parse_connection(args.connection)
        key = args.key_file.read_text(encoding="utf-8").strip()
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_agent(args.server, args.printer, key, spec))
    return 0


_GLOBALS = ("--data", "--config")


def _hoist_globals(args: list[str]) -> list[str]:
    """Move --data and --config (with their values) to the front, where argparse wants them."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in _GLOBALS and i + 1 < len(args):
            front += args[i : i + 2]
            i += 2
            continue
        if a.startswith(tuple(f"{g}=" for g in _GLOBALS)):
            front.append(a)
        else:
            rest.append(a)
        i += 1
    return [*front, *rest]


def _insert_serve(args: list[str]) -> list[str]:
    """Put "serve" after the global options so that its own options parse."""
    out, i = [], 0
    while i < len(args) and (args[i] in _GLOBALS or args[i].startswith(("--data=", "--config="))):
        step = 1 if "=" in args[i] else 2
        out += args[i : i + step]
        i += step
    return [*out, "serve", *args[i:]]


def _read_password() -> str:
    password = sys.stdin.readline().rstrip("\n")
    if not password:
        raise SystemExit("error: no password on standard input")
    return password


def _user(args: argparse.Namespace, data: Path) -> int:
    store = open_store(data / "hallcall.db")
    accounts = Accounts(store, SystemClock())
    try:
        if args.user_command == "add":
            accounts.add(
                args.username, args.name or args.username, Role(args.role), _read_password()
            )
            print(f"user {args.username} ({args.role}) added")
        elif args.user_command == "passwd":
            accounts.set_password(args.username, _read_password())
            print(f"password of {args.username} changed; their sessions are ended")
        else:
            for u in accounts.list():
                state = "" if u["active"] else " (disabled)"
                print(f"{u['username']:<16} {u['role']:<8} {u['name']}{state}")
    except DomainError as exc:
        print(f"error: {exc.message('en')}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


def _demo_password(username: str, name: str) -> str:
    """A random password the policy takes (nearly every random one is)."""
    while True:
        password = secrets.token_urlsafe(9)
        try:
            check_password(password, username, name)
            return password
        except DomainError:
            continue


def _demo_accounts(data: Path) -> None:
    """A demo hall needs people to log in with: make them once and say their passwords."""
    store = open_store(data / "hallcall.db")
    accounts = Accounts(store, SystemClock())
    note = data / "demo-accounts.txt"
    try:
        if accounts.list():
            if note.exists():
                print(f"Demo accounts: see {note}")
            return
        lines = []
        for username, name, role in DEMO_USERS:
            password = _demo_password(username, name)
            accounts.add(username, name, role, password)
            lines.append(f"{username:<10} {password:<10} {role.value:<8} {name}")
        note.write_text("\n".join(lines) + "\n", encoding="utf-8")
        note.chmod(0o600)
        print("Demo accounts (also in", note, "):")
        print("\n".join("  " + line for line in lines))
    finally:
        store.close()


def _serve(args: argparse.Namespace, config: HallConfig) -> int:
    import uvicorn

    from server.app import create_app
    from server.settings import server_settings

    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    if config.source == str(DEMO_CONFIG):
        _demo_accounts(args.data)
    print(
        f"HallCall: {config.hall.name}, http://{args.host}:{args.port}/  "
        f"(kiosk /kiosk, counter /counter, hall screen /screen)"
    )
    try:
        app = create_app(config, args.data)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    proxies = server_settings(config.sections.get("server", {})).trusted_proxies
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        http="httptools",
        access_log=False,
        # X-Forwarded-For only from the proxies the hall file names: from anyone else it
        # would let a caller choose the address their login tries are counted by.
        proxy_headers=bool(proxies),
        forwarded_allow_ips=list(proxies) or None,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
