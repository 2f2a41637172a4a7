#!/usr/bin/env bash
# Build Hearth's container images fully offline (no registry), cached by recipe hash.
#
#   hearth-base:<hash>    debootstrap --variant=minbase of $HEARTH_SUITE from the
#                         machine's Debian mirror, `docker import`ed. The rootfs
#                         tarball is also kept in $HEARTH_CACHE_DIR/base-<hash>.tar.
#   hearth-<name>:latest  `docker build` of scripts/images/<name>/Dockerfile
#                         (ARG BASE → FROM hearth-base:<hash>), labelled
#                         dev.hearth.recipe=<hash of that directory + base hash>.
#
# Each step is skipped when its result already exists, so a rerun takes ~1 s.
# Usage:   build-images.sh [--print] [NAME...]   NAMEs are directories of scripts/images
#          (default: HEARTH_IMAGES, else all of them). `npm start` builds only demo;
#          the test-* images are the test command's.
# Options: --print   print the built image references on stdout, one per line.
# Env:     HEARTH_CACHE_DIR (default /var/cache/hearth), HEARTH_DEBIAN_MIRROR,
#          HEARTH_SUITE (default bookworm), HEARTH_IMAGES (names to build when
#          none are given), HEARTH_IMAGES_QUIET=1.
set -euo pipefail

# Bump when the way the base rootfs is produced changes (forces a rebuild).
BASE_RECIPE_VERSION="hearth-base-v2"
SUITE="${HEARTH_SUITE:-bookworm}"
VARIANT="minbase"
BASE_PACKAGES="bash,git,sudo,ca-certificates,openssh-client,openssh-sftp-server,rsync,procps,libnss-myhostname"
CACHE_DIR="${HEARTH_CACHE_DIR:-/var/cache/hearth}"
RECIPE_LABEL="dev.hearth.recipe"

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
IMAGES_DIR="$ROOT/scripts/images"

PRINT=0
names=()
for arg in "$@"; do
  case "$arg" in
  --print) PRINT=1 ;;
  -h | --help)
    sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  -*)
    printf 'build-images: error: unknown option %q (try --help)\n' "$arg" >&2
    exit 2
    ;;
  *)
    [[ -f "$IMAGES_DIR/$arg/Dockerfile" ]] || {
      printf 'build-images: error: no image recipe %q: expected %s/%s/Dockerfile\n' "$arg" "$IMAGES_DIR" "$arg" >&2
      exit 2
    }
    names+=("$arg")
    ;;
  esac
done

say() { [[ "${HEARTH_IMAGES_QUIET:-0}" == 1 ]] || printf 'build-images: %s\n' "$*" >&2; }
die() {
  printf 'build-images: error: %s\n' "$*" >&2
  exit 1
}

if [[ -x /usr/bin/docker ]]; then
  DOCKER=/usr/bin/docker
else
  DOCKER="$(command -v docker || true)"
fi
[[ -n "$DOCKER" ]] || die "no docker client; run: bash scripts/setup-host.sh"
"$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
  die "the Docker engine does not answer; run: bash scripts/setup-host.sh"

sha12() { sha256sum | cut -c1-12; }

image_exists() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

# The mirror of the machine's apt sources that serves $SUITE (deb822 *.sources
# or one-line *.list); http://deb.debian.org/debian when none is found.
debian_mirror() {
  if [[ -n "${HEARTH_DEBIAN_MIRROR:-}" ]]; then
    printf '%s\n' "$HEARTH_DEBIAN_MIRROR"
    return
  fi
  local f found=""
  shopt -s nullglob
  for f in /etc/apt/sources.list.d/*.sources; do
    found="$(awk -v suite="$SUITE" '
      function flush() {
        if (done) return
        if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled != "no" && uris != "") {
          n = split(suites, s, /[ \t]+/)
          for (i = 1; i <= n; i++) if (s[i] == suite) { split(uris, u, /[ \t]+/); print u[1]; done = 1; exit }
        }
        types = ""; uris = ""; suites = ""; enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      tolower($1) == "types:"   { sub(/^[^:]*:[ \t]*/, ""); types = $0; next }
      tolower($1) == "uris:"    { sub(/^[^:]*:[ \t]*/, ""); uris = $0; next }
      tolower($1) == "suites:"  { sub(/^[^:]*:[ \t]*/, ""); suites = $0; next }
      tolower($1) == "enabled:" { sub(/^[^:]*:[ \t]*/, ""); enabled = tolower($0); next }
      END { flush() }
    ' "$f")"
    [[ -n "$found" ]] && break
  done
  if [[ -z "$found" ]]; then
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [[ -r "$f" ]] || continue
      # deb [opts] URI SUITE COMPONENTS...
      found="$(awk -v suite="$SUITE" '
        $1 != "deb" { next }
        { i = 2; if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ } }
        $(i + 1) == suite { print $i; exit }
      ' "$f")"
      [[ -n "$found" ]] && break
    done
  fi
  shopt -u nullglob
  printf '%s\n' "${found:-http://deb.debian.org/debian}"
}

mkdir -p "$CACHE_DIR" 2>/dev/null || die "cannot create $CACHE_DIR; run as root or set HEARTH_CACHE_DIR"
# One builder at a time (npm start and npm test may race).
exec 9>"$CACHE_DIR/.build-images.lock"
flock 9

# ---- base -------------------------------------------------------------------
BASE_HASH="$(printf '%s\n' "$BASE_RECIPE_VERSION" "$SUITE" "$VARIANT" "$BASE_PACKAGES" | sha12)"
BASE_IMAGE="hearth-base:$BASE_HASH"
BASE_TAR="$CACHE_DIR/base-$BASE_HASH.tar"

import_base() {
  say "importing $BASE_TAR as $BASE_IMAGE"
  "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change "LABEL $RECIPE_LABEL=$BASE_HASH" \
    --change "LABEL org.opencontainers.image.description=\"Debian $SUITE minbase for Hearth workspaces\"" \
    --change 'CMD ["/bin/bash"]' \
    --message "debootstrap --variant=$VARIANT $SUITE ($BASE_RECIPE_VERSION)" \
    - "$BASE_IMAGE" <"$BASE_TAR" >/dev/null
}

if image_exists "$BASE_IMAGE"; then
  :
elif [[ -s "$BASE_TAR" ]]; then
  import_base
else
  if [[ "$(id -u)" != 0 ]]; then
    die "building the base rootfs needs root (debootstrap); run as root"
  fi
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap is missing; run: bash scripts/setup-host.sh"
  MIRROR="$(debian_mirror)"
  WORK="$(mktemp -d "$CACHE_DIR/base-$BASE_HASH.XXXXXX")"
  trap 'rm -rf --one-file-system "$WORK"' EXIT
  say "debootstrap $SUITE ($VARIANT) from $MIRROR — about a minute"
  started=$SECONDS
  if ! debootstrap --variant="$VARIANT" --include="$BASE_PACKAGES" \
    "$SUITE" "$WORK/rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1; then
    tail -n 30 "$WORK/debootstrap.log" >&2
    if [[ -f "$WORK/rootfs/debootstrap/debootstrap.log" ]]; then
      tail -n 20 "$WORK/rootfs/debootstrap/debootstrap.log" >&2
    fi
    die "debootstrap failed (log above); check that $MIRROR is reachable (apt-get update) or set HEARTH_DEBIAN_MIRROR"
  fi
  say "debootstrap done in $((SECONDS - started))s; packing"
  R="$WORK/rootfs"
  # Keep the image small and free of host-specific state.
  rm -rf "$R"/var/cache/apt/archives/*.deb "$R"/var/cache/apt/*.bin \
    "$R"/var/lib/apt/lists/* "$R"/var/cache/debconf/*-old "$R"/var/lib/dpkg/*-old \
    "$R"/var/log/*.log "$R"/var/log/apt/* "$R"/tmp/* "$R"/var/tmp/* "$R"/debootstrap
  mkdir -p "$R/var/lib/apt/lists/partial"
  # Like Debian's -slim images: no docs, man pages or translations (~70 MB),
  # now or for packages installed later (copyright files are kept).
  cat >"$R/etc/dpkg/dpkg.cfg.d/hearth-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  find "$R/usr/share/doc" -mindepth 1 -not -type d -not -name copyright -delete
  find "$R/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$R"/usr/share/man/* "$R"/usr/share/info/*
  find "$R/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  : >"$R/etc/machine-id"
  rm -f "$R/etc/hostname" "$R/etc/resolv.conf"
  # The engine bind-mounts these; keep them present as empty files.
  : >"$R/etc/hostname"
  : >"$R/etc/resolv.conf"
  tar --numeric-owner --xattrs --one-file-system -C "$R" -cf "$WORK/base.tar" .
  mv -f "$WORK/base.tar" "$BASE_TAR"
  rm -rf "$WORK"
  trap - EXIT
  import_base
fi

# ---- derived images ---------------------------------------------------------
build_one() {
  local name="$1" dir="$IMAGES_DIR/$1" image="hearth-$1:latest" hash f
  [[ -f "$dir/Dockerfile" ]] || die "no $dir/Dockerfile"
  hash="$(
    {
      printf '%s\n' "$BASE_HASH"
      # every file of the build context, in a stable order
      while IFS= read -r -d '' f; do
        printf '%s\n' "${f#"$dir"/}"
        cat "$f"
      done < <(find "$dir" -type f -print0 | LC_ALL=C sort -z)
    } | sha12
  )"
  local have old_id=""
  have="$("$DOCKER" image inspect --format "{{ index .Config.Labels \"$RECIPE_LABEL\" }}" "$image" 2>/dev/null || true)"
  if [[ "$have" == "$hash" ]]; then
    [[ "$PRINT" == 1 ]] && printf '%s\n' "$image"
    return 0
  fi
  old_id="$("$DOCKER" image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
  say "building $image (recipe $hash)"
  local log
  log="$(mktemp /tmp/hearth-build-"$name".XXXXXX)"
  # --network=none: the engine runs with --bridge=none; RUN steps need no network.
  if ! DOCKER_BUILDKIT=0 "$DOCKER" build --network=none --pull=false --force-rm \
    --build-arg "BASE=$BASE_IMAGE" \
    --label "$RECIPE_LABEL=$hash" \
    -t "$image" "$dir" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "docker build of $image failed (full log: $log)"
  fi
  rm -f "$log"
  # Drop the image this one replaced (fails harmlessly while a container uses it).
  if [[ -n "$old_id" ]] && [[ "$old_id" != "$("$DOCKER" image inspect --format '{{.Id}}' "$image")" ]]; then
    "$DOCKER" rmi "$old_id" >/dev/null 2>&1 || true
  fi
  [[ "$PRINT" == 1 ]] && printf '%s\n' "$image"
  return 0
}

[[ "$PRINT" == 1 ]] && printf '%s\n' "$BASE_IMAGE"
if ((${#names[@]} > 0)); then
  :
elif [[ -n "${HEARTH_IMAGES:-}" ]]; then
  read -r -a names <<<"$HEARTH_IMAGES"
else
  for d in "$IMAGES_DIR"/*/; do
    [[ -f "$d/Dockerfile" ]] && names+=("$(basename "$d")")
  done
fi
((${#names[@]} > 0)) || die "no images under $IMAGES_DIR"
for name in "${names[@]}"; do
  build_one "$name"
done
refs=()
for name in "${names[@]}"; do refs+=("hearth-$name:latest"); done
say "ready: ${refs[*]}"

