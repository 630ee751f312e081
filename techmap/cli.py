"""`python -m techmap ...`: the command-line interface. Each subcommand lives in its own module;
this file only parses arguments and never lets a traceback reach the user.

Exit codes: 0 done (for `validate`: no errors), 1 problems found and listed (for `validate`, a path
that does not exist is one of them), 2 a usage error (argparse) or an unexpected failure."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from techmap.store import command as store_command


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m techmap", description="London Tech Map tools")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check a dataset folder or a contracts file")
    p.add_argument("path", type=Path)

    p = sub.add_parser("generate-demo", help="write the illustrative (synthetic) dataset")
    p.add_argument("--seed", type=int, default=2019)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--no-real", action="store_true",
                   help="only the synthetic contracts, without the real system inventory")

    from techmap.sources import build

    build.add_parser(sub)

    p = sub.add_parser("suppliers", help="list a dataset's supplier names that "
                       "datasets/supplier_aliases.csv does not know")
    p.add_argument("path", type=Path)

    p = sub.add_parser("import", help="import published data into a dataset folder")
    kinds = p.add_subparsers(dest="kind", required=True)
    publish = [store_command.publish_options()]  # --publish [--note] [--by] [--database]
    k = kinds.add_parser("register", parents=publish,
                         help="a council contracts register (CSV or Excel)")
    k.add_argument("file", type=Path)
    k.add_argument("--authority", required=True, help="ONS code or name of the publishing borough")
    k.add_argument("--out", type=Path, required=True)
    k.add_argument("--url", default="", help="where the borough publishes the register")
    k.add_argument("--licence", default="OGL-3.0", help="licence of the register (OGL-3.0)")
    k = kinds.add_parser("ocds", parents=publish, help="OCDS release/record packages or JSON Lines")
    k.add_argument("files", type=Path, nargs="+")
    k.add_argument("--out", type=Path, required=True)
    k = kinds.add_parser("survey", parents=publish, help="the borough survey template (Excel)")
    k.add_argument("file", type=Path)
    k.add_argument("--out", type=Path, required=True)
    k.add_argument("--url", default="", help="where the survey return is published, if it is")
    k.add_argument("--licence", default="OGL-3.0", help="licence of the survey return (OGL-3.0)")
    from techmap.auth import command as auth_command
    store_command.add_parser(sub)

    from techmap.harvest.command import add_parser as add_harvest_parser

    auth_command.add_parser(sub)  # users, tokens, audit
    add_harvest_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            from techmap.dataformat.validate_cli import run_validate_command

            return run_validate_command(args.path)
        if args.command == "generate-demo":
            from techmap.demo.generate import run_generate_command

            return run_generate_command(seed=args.seed, scale=args.scale, out=args.out,
                                        include_real=not args.no_real)
        if args.command == "build-london":
            from techmap.sources import build

            return build.run(args)
        if args.command == "suppliers":
            from techmap.dataformat.supplier_report import run_suppliers_command

            return run_suppliers_command(args.path)
        if args.command in store_command.COMMANDS:
            return store_command.run(args)
        if args.command == "import":
            from techmap.importers.command import run_import_command

            return run_import_command(args)
        if args.command in ("users", "tokens", "audit"):
            from techmap.auth import command as auth_command

            return auth_command.run(args)
        if args.command == "harvest":
            from techmap.harvest.command import run as run_harvest

            return run_harvest(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # last resort: a message, never a traceback
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    return 2
