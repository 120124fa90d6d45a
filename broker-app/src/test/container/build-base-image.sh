#!/usr/bin/env bash
# Builds, once per machine, the Debian bookworm base images that the container tests give the
# Dockerfiles (no image registry is reachable here, so they come from Debian's packages):
#
#   localhost/acs-broker-base:bookworm         debootstrap --variant=minbase (the jlink image's base)
#   localhost/acs-broker-base:bookworm-jre17   + openjdk-17-jre-headless    (Dockerfile's BASE)
#   localhost/acs-broker-base:bookworm-jdk17   + openjdk-17-jdk-headless    (Dockerfile.slim's JDK)
#
# Each is built only when missing (the first run takes 2 to 3 minutes, later ones nothing);
# concurrent callers (several builds on one machine) wait for the first one instead of building
# twice. Needs root, podman, runc and debootstrap (apt-get install podman runc debootstrap) and a
# Debian mirror (DEBIAN_MIRROR, default http://deb.debian.org/debian).
set -euo pipefail

repository=localhost/acs-broker-base
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
here=$(cd "$(dirname "$0")" && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}

for tool in podman debootstrap flock tar; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "build-base-image: '$tool' is missing: apt-get install podman runc debootstrap" >&2
    exit 3
  fi
done

exec 9>/var/lock/acs-broker-base-image.lock
flock 9

work=$(mktemp -d /var/tmp/acs-broker-base.XXXXXX)
trap 'rm -rf "$work"' EXIT

if ! podman image exists "$repository:bookworm"; then
  echo "build-base-image: debootstrap bookworm (minbase) into $work/root" >&2
  started=$SECONDS
  debootstrap --variant=minbase bookworm "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -30 "$work/debootstrap.log" >&2; exit 1; }
  # Downloaded packages and package lists are not needed in the image.
  rm -rf "$work"/root/var/cache/apt/archives/*.deb "$work"/root/var/cache/apt/*.bin \
    "$work"/root/var/lib/apt/lists/*
  tar -C "$work/root" -c . | podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' \
    - "$repository:bookworm" >/dev/null
  rm -rf "$work/root"
  echo "build-base-image: built $repository:bookworm in $((SECONDS - started)) s" >&2
fi

# An image FROM another one plus Debian packages (the build reaches the mirror on the host network).
derive() {
  local from=$1 to=$2 packages=$3
  if podman image exists "$to"; then
    return
  fi
  local started=$SECONDS
  mkdir -p "$work/$to"
  cat >"$work/$to/Containerfile" <<CONTAINERFILE
FROM $from
RUN apt-get update -q \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $packages >/dev/null \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb /var/cache/apt/*.bin
CONTAINERFILE
  podman build --quiet --network host --tag "$to" "$work/$to" >/dev/null
  echo "build-base-image: built $to in $((SECONDS - started)) s" >&2
}
derive "$repository:bookworm" "$repository:bookworm-jre17" openjdk-17-jre-headless
derive "$repository:bookworm-jre17" "$repository:bookworm-jdk17" openjdk-17-jdk-headless
