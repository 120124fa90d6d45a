#!/usr/bin/env bash
# Builds, once per machine, the Debian base image that the container tests give the Dockerfile as
# BASE: no image registry is reachable here, so the Java 17 runtime comes from Debian's packages
# (debootstrap, about 40 s and 480 MB). Does nothing when the image exists; concurrent callers
# (several builds on one machine) wait for the first one instead of building it twice.
#
#   build-base-image.sh [IMAGE]     default localhost/acs-broker-base:bookworm-jre17
#
# Needs root, podman, runc and debootstrap (apt-get install podman runc debootstrap) and a Debian
# mirror (DEBIAN_MIRROR, default http://deb.debian.org/debian).
set -euo pipefail

image=${1:-localhost/acs-broker-base:bookworm-jre17}
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
if podman image exists "$image"; then
  exit 0
fi

root=$(mktemp -d /var/tmp/acs-broker-base.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "build-base-image: debootstrap bookworm with openjdk-17-jre-headless into $root" >&2
started=$SECONDS
debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$root" "$mirror" \
  >"$root.log" 2>&1 || { tail -30 "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"
# Downloaded packages and package lists are not needed at run time.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" -c . | podman import --quiet \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/bin/bash"]' \
  - "$image" >/dev/null
echo "build-base-image: built $image in $((SECONDS - started)) s" >&2
