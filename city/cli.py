"""`run.py city ...`: serve the hub, register halls, make city tokens."""

from __future__ import annotations

import argparse
import logging
import sys
import time

import psycopg

from city.hub import ROLES, create_city_app
from city.store import CityStore


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="run.py city", description="The city hub")
    parser.add_argument("--pg", required=True, help="the PostgreSQL connection string (DSN)")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the hub")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=8100)
    serve.add_argument("--log-level", default="info")
    hall = sub.add_parser("hall", help="register or revoke a hall")
    hall_sub = hall.add_subparsers(dest="hall_command", required=True)
    add = hall_sub.add_parser("add", help="register a hall and print its key (shown once)")
    add.add_argument("id")
    add.add_argument("name")
    revoke = hall_sub.add_parser("revoke", help="the hall's key stops working at once")
    revoke.add_argument("id")
    token = sub.add_parser("token", help="make a token for city staff")
    token.add_argument("name")
    token.add_argument("--role", choices=ROLES, default="viewer")
    args = parser.parse_args(argv)

    if args.command == "serve":
        import uvicorn

        logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
        app = create_city_app(args.pg, time.time)  # the hub's one clock
        uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
        return 0
    try:
        store = CityStore(args.pg)
    except psycopg.Error as exc:
        print(f"error: cannot open the city database: {exc}".strip(), file=sys.stderr)
        return 2
    try:
        if args.command == "hall" and args.hall_command == "add":
            key = store.add_hall(args.id, args.name, time.time())
            print(key)
        elif args.command == "hall":
            if not store.revoke_hall(args.id):
                print(f"error: no hall {args.id}", file=sys.stderr)
                return 1
            print(f"hall {args.id}: key revoked")
        else:
            print(store.add_token(args.name, args.role))
    except psycopg.errors.UniqueViolation:
        print("error: that name is taken", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0
