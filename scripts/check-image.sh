#!/usr/bin/env bash
# Builds the container image with Podman (Debian's package: apt-get install -y podman) and checks
# what is in it, for machines that can build images but not start containers:
#   - the image's user, command, environment, port and HEALTHCHECK (podman image inspect);
#   - its files (podman create + podman export): the compiled server and production dependencies,
#     no sources, tests or dev dependencies;
#   - its command run as its user outside a container, on the image's own files and Node (chroot
#     into the exported file system): /healthz and /readyz answer, the HEALTHCHECK command passes,
#     and SIGTERM stops it with exit code 0.
# When NODE_IMAGE (default node:22-slim) cannot be pulled, a stand-in base is built first from
# Debian's packages (debootstrap) and this machine's Node, with a `node` user as the official images.
# Not part of `npm test`. Usage: scripts/check-image.sh   (as root)
set -euo pipefail
cd "$(dirname "$0")/.."

image=chat-responses-adapter
base="${NODE_IMAGE:-node:22-slim}"
work="$(mktemp -d)"
container=''
server=''
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  mountpoint -q "$work/rootfs/proc" && umount "$work/rootfs/proc" || true
  mountpoint -q "$work/rootfs/dev" && umount "$work/rootfs/dev" || true
  [ -n "$container" ] && podman rm -f "$container" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
ok() { echo "ok: $*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }

command -v podman >/dev/null || fail "podman is not installed (apt-get install -y podman)"

# ---- the base image ----
if podman image exists "$base" || podman pull -q "$base" >/dev/null 2>&1; then
  ok "base image $base"
else
  stand_in=localhost/chat-adapter-node-base:bookworm
  echo "base image $base cannot be pulled here: building the stand-in $stand_in (Debian bookworm, this machine's Node)"
  if ! podman image exists "$stand_in"; then
    command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    rootfs="$work/base"
    debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
      { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
    # Node as this machine has it: the files of its Debian package, or the binary and npm beside it.
    if dpkg -S "$(command -v node)" >/dev/null 2>&1; then
      package="$(dpkg -S "$(command -v node)" | cut -d: -f1)"
      dpkg -L "$package" | while read -r path; do
        if [ -f "$path" ] || [ -L "$path" ]; then echo "${path#/}"; fi
      done | tar -C / --no-recursion -cf - -T - | tar -C "$rootfs" -xf -
      # npm as it is now (it may have been upgraded since the package was installed).
      npm_root="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
      rm -rf "${rootfs:?}$npm_root"
      tar -C / -cf - "${npm_root#/}" | tar -C "$rootfs" -xf -
    else
      node_root="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
      tar -C / -cf - "${node_root#/}/bin/node" "${node_root#/}/lib/node_modules/npm" | tar -C "$rootfs" -xf -
      ln -sf "$node_root/lib/node_modules/npm/bin/npm-cli.js" "$rootfs/usr/local/bin/npm"
    fi
    # This machine's trust store and global npm settings (a TLS-inspecting proxy's CA, a registry mirror), so npm ci works as here.
    cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
    globalrc="$(npm config get globalconfig)"
    if [ -f "$globalrc" ]; then mkdir -p "$rootfs$(dirname "$globalrc")" && cp "$globalrc" "$rootfs$globalrc"; fi
    chroot "$rootfs" /bin/sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/sh --create-home node'
    chroot "$rootfs" node --version >/dev/null || fail "Node does not run in the stand-in base"
    chroot "$rootfs" npm --version >/dev/null || fail "npm does not run in the stand-in base"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | podman import --change 'CMD ["node"]' --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' - "$stand_in" >/dev/null
  fi
  base="$stand_in"
  ok "stand-in base image $base (Node $(node --version) from this machine)"
fi

# ---- the build ----
# docker format: OCI images have no HEALTHCHECK.
podman build --isolation=chroot --format docker --build-arg NODE_IMAGE="$base" -t "$image" . >"$work/build.log" 2>&1 ||
  { tail -40 "$work/build.log"; fail "podman build"; }
# No line that needs a particular registry: every stage starts from NODE_IMAGE, whose default has no host.
grep -E '^FROM ' Dockerfile | grep -vqE '^FROM \$\{NODE_IMAGE\}( |$)' && fail "a FROM line does not use NODE_IMAGE"
default_base="$(sed -nE 's/^ARG NODE_IMAGE=//p' Dockerfile)"
first="${default_base%%/*}"
[ "$first" = "$default_base" ] || ! echo "$first" | grep -qE '[.:]|^localhost$' || fail "the default NODE_IMAGE names a registry: $default_base"
ok "podman build --isolation=chroot -t $image . (default base $default_base, no registry host)"

# ---- its configuration ----
inspect() { podman image inspect "$image" --format "$1"; }
[ "$(inspect '{{.Config.User}}')" = node ] || fail "the image does not run as node: '$(inspect '{{.Config.User}}')'"
ok "runs as user node"
[ "$(inspect '{{json .Config.Cmd}}')" = '["node","dist/server.js"]' ] || fail "command is $(inspect '{{json .Config.Cmd}}')"
entrypoint="$(inspect '{{json .Config.Entrypoint}}')"
ok "command [node dist/server.js], entrypoint $entrypoint"
inspect '{{json .Config.Env}}' | grep -q '"PORT=8080"' || fail "PORT is not 8080 by default"
inspect '{{json .Config.Env}}' | grep -q '"NODE_ENV=production"' || fail "NODE_ENV is not production"
inspect '{{json .Config.ExposedPorts}}' | grep -q '8080/tcp' || fail "8080 is not exposed"
[ "$(inspect '{{.Config.WorkingDir}}')" = /app ] || fail "working directory is not /app"
healthcheck="$(inspect '{{json .Config.Healthcheck.Test}}')"
echo "$healthcheck" | grep -q 'process.env.PORT' || fail "the HEALTHCHECK does not follow PORT: $healthcheck"
[ "$(inspect '{{.Config.StopSignal}}')" = SIGTERM ] || fail "stop signal is not SIGTERM"
ok "env PORT=8080 NODE_ENV=production, port 8080/tcp, workdir /app, stop signal SIGTERM, HEALTHCHECK follows PORT"

# ---- its files ----
container="$(podman create "$image")"
mkdir "$work/rootfs"
podman export "$container" | tar -x -C "$work/rootfs"
files="$work/rootfs/app"
for present in dist/server.js dist/app.js node_modules/express/package.json node_modules/pino/package.json node_modules/zod/package.json package.json; do
  [ -e "$files/$present" ] || fail "/app/$present is missing"
done
for absent in src test tools bench node_modules/vitest node_modules/typescript node_modules/tsx node_modules/openai .git .env; do
  [ ! -e "$files/$absent" ] || fail "/app/$absent should not be in the image"
done
uid="$(awk -F: '$1 == "node" { print $3 }' "$work/rootfs/etc/passwd")"
[ -n "$uid" ] && [ "$uid" != 0 ] || fail "no unprivileged node user in the image's /etc/passwd"
ok "/app holds dist/ and the production dependencies only ($(du -sh "$files/node_modules" | cut -f1) of node_modules); user node is uid $uid"

# ---- its command, as its user, outside a container ----
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
mount -t proc proc "$work/rootfs/proc" 2>/dev/null || true
mount --bind /dev "$work/rootfs/dev" 2>/dev/null || true
cp /etc/resolv.conf "$work/rootfs/etc/resolv.conf" 2>/dev/null || true
run_in_image() {
  chroot --userspec="node:node" "$work/rootfs" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/home/node \
    NODE_ENV=production PORT="$port" HOST=127.0.0.1 UPSTREAM_BASE_URL=http://127.0.0.1:9/v1 SHUTDOWN_GRACE_MS=1000 "$@"
}
# chroot, env and sh all exec: $server is the node process, as in the container.
(exec chroot --userspec="node:node" "$work/rootfs" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/home/node \
  NODE_ENV=production PORT="$port" HOST=127.0.0.1 UPSTREAM_BASE_URL=http://127.0.0.1:9/v1 SHUTDOWN_GRACE_MS=1000 \
  /bin/sh -c 'cd /app && exec node dist/server.js') >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  grep -q 'chat-responses-adapter listening' "$work/server.log" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; fail "the image's command exited"; }
  sleep 0.1
done
grep -q 'chat-responses-adapter listening' "$work/server.log" || { cat "$work/server.log"; fail "the image's command did not listen"; }
[ "$(ps -o uid= -p "$server" | tr -d ' ')" = "$uid" ] || fail "the server does not run as uid $uid: $(ps -o uid=,args= -p "$server")"
health="$(node -e "fetch('http://127.0.0.1:$port/healthz').then(async r=>console.log(r.status, await r.text()))")"
[ "$health" = '200 {"status":"ok"}' ] || fail "/healthz answered $health"
ready="$(node -e "fetch('http://127.0.0.1:$port/readyz').then(async r=>console.log(r.status, await r.text()))")"
[ "$ready" = '200 {"status":"ready"}' ] || fail "/readyz answered $ready"
# The HEALTHCHECK's own command, as the image has it.
check_command="$(podman image inspect "$image" --format '{{index .Config.Healthcheck.Test 3}}')"
run_in_image node -e "$check_command" || fail "the HEALTHCHECK command failed"
ok "node dist/server.js as user node on the image's files: /healthz and /readyz answer, the HEALTHCHECK command passes"
kill -TERM "$server"
code=0
wait "$server" || code=$?
[ "$code" = 0 ] || { cat "$work/server.log"; fail "SIGTERM: exit code $code"; }
server=''
grep -q '"msg":"shut down"' "$work/server.log" || fail "no 'shut down' log line"
ok "SIGTERM: drained, exit code 0"
echo "image $image checked"
