#!/bin/sh
# Like the official redis image: protected mode off unless the command line says otherwise (the
# image's Redis is reached from other containers, and access is the network's business: compose
# publishes no Redis port). Debian's redis-server, unconfigured, refuses every non-loopback client.
set -eu
if [ "${1:-}" = redis-server ]; then
  case " $* " in
    *" --protected-mode "*) ;;
    *) set -- "$@" --protected-mode no ;;
  esac
fi
exec "$@"
