#!/usr/bin/env bash
# Builds what test/smoke/bindings.test.ts runs, so that the test itself fetches nothing.
#
#   test/smoke/prepare.sh deps   before `npx projen package:python package:java`
#   test/smoke/prepare.sh apps   after it: DIST (default dist/) holds python/*.whl and java/
#
# deps: aws-cdk-lib, constructs and cdk-nag at the versions of node_modules (the TypeScript side)
# come from PyPI and Maven Central. Where a registry does not have that aws-cdk-lib yet (PyPI and
# Maven Central lag npm by days to weeks), its bindings are generated from the npm package with
# jsii-pacmak, the tool AWS publishes them with: the wheel into ~/.cache/cdk-hardened-secrets/wheels, the jar (with its
# @aws-cdk/cloud-assembly-schema) installed into the local Maven repository, once per machine.
# apps: .bindings/venv with the wheel of DIST/python and the pinned packages; examples/java compiled
# by Maven against DIST/java, its classpath in .bindings/java-classpath.txt; then .bindings/ready.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
work="$root/.bindings"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
version_of() { node -p "require('$1/package.json').version"; }
cdk="$(version_of aws-cdk-lib)"
constructs="$(version_of constructs)"
nag="$(version_of cdk-nag)"
stacksets="$(version_of cdk-stacksets)"
pip_install=("$work/venv/bin/pip" install --quiet --disable-pip-version-check)
# Generated wheels are kept per machine, like pip's and Maven's caches.
wheels="${XDG_CACHE_HOME:-$HOME/.cache}/cdk-hardened-secrets/wheels"
mkdir -p "$work"
rm -f "$work/ready"

deps() {
  if [ ! -x "$work/venv/bin/python" ]; then
    python3 -m venv "$work/venv"
  fi
  mkdir -p "$wheels"
  if ! "$work/venv/bin/pip" download --quiet --disable-pip-version-check --no-deps -d "$wheels" \
      --find-links "$wheels" "aws-cdk-lib==$cdk" >/dev/null 2>&1; then
    echo "aws-cdk-lib $cdk is not on PyPI: generating its Python bindings from node_modules/aws-cdk-lib"
    rm -rf "$work/pacmak-python"
    npx jsii-pacmak --target python --outdir "$work/pacmak-python" node_modules/aws-cdk-lib
    cp "$work"/pacmak-python/python/aws_cdk_lib-"$cdk"-*.whl "$wheels/"
    rm -rf "$work/pacmak-python"
  fi
  "${pip_install[@]}" --find-links "$wheels" "aws-cdk-lib==$cdk" "constructs==$constructs" "cdk-nag==$nag" \
    "cdk-stacksets==$stacksets"

  local m2
  m2="$HOME/.m2/repository"
  if ! mvn -B -q -Dstyle.color=never dependency:get -Dartifact="software.amazon.awscdk:aws-cdk-lib:$cdk" >/dev/null 2>&1; then
    echo "aws-cdk-lib $cdk is not on Maven Central: generating its Java bindings from node_modules/aws-cdk-lib"
    local pkg
    for pkg in @aws-cdk/cloud-assembly-schema aws-cdk-lib; do
      rm -rf "$work/pacmak-java"
      npx jsii-pacmak --code-only --target java --outdir "$work/pacmak-java" "node_modules/$pkg"
      # The jar only: javadoc of aws-cdk-lib alone takes longer than compiling it.
      mvn -B -q -f "$work/pacmak-java/java/pom.xml" -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -Dgpg.skip=true install
    done
    rm -rf "$work/pacmak-java"
  fi
  # Maven Central's version list of cdknag stops before 3.x although the 3.x jars are there.
  mvn -B -q -Dstyle.color=never dependency:get -Dartifact="io.github.cdklabs:cdknag:$nag" >/dev/null
  # cdk-stacksets (a dependency of the organisation rollout) is published to Maven Central by
  # cdklabs, but not every registry mirror serves it: generated the same way when missing (small).
  if ! mvn -B -q -Dstyle.color=never dependency:get -Dartifact="io.github.cdklabs:cdk-stacksets:$stacksets" >/dev/null 2>&1; then
    echo "cdk-stacksets $stacksets is not on Maven Central here: generating its Java bindings from node_modules/cdk-stacksets"
    rm -rf "$work/pacmak-java"
    npx jsii-pacmak --code-only --target java --outdir "$work/pacmak-java" node_modules/cdk-stacksets
    mvn -B -q -f "$work/pacmak-java/java/pom.xml" -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -Dgpg.skip=true install
    rm -rf "$work/pacmak-java"
  fi
  # jsii-pacmak builds the jar of this library in a Maven repository of its own, and takes jsii
  # dependencies from node_modules/<package>/dist/java when there is one: put the jars there (with
  # the version lists the ranges of the generated pom need).
  local entry dir group artifact version
  for entry in aws-cdk-lib:software/amazon/awscdk:aws-cdk-lib \
      @aws-cdk/cloud-assembly-schema:software/amazon/awscdk:cdk-cloud-assembly-schema \
      cdk-nag:io/github/cdklabs:cdknag \
      cdk-stacksets:io/github/cdklabs:cdk-stacksets; do
    IFS=: read -r dir group artifact <<< "$entry"
    version="$(version_of "$dir")"
    dir="node_modules/$dir"
    local from="$m2/$group/$artifact/$version/$artifact-$version"
    if [ -f "$from.jar" ] && [ ! -d "$dir/dist/java" ]; then
      # (deploy-file refuses files inside the local repository)
      rm -rf "$work/deploy" && mkdir -p "$work/deploy"
      cp "$from.jar" "$from.pom" "$work/deploy/"
      mvn -B -q -Dstyle.color=never deploy:deploy-file -Durl="file://$root/$dir/dist/java" -DrepositoryId=local \
        -Dfile="$work/deploy/$artifact-$version.jar" -DpomFile="$work/deploy/$artifact-$version.pom"
      rm -rf "$work/deploy"
    fi
  done
}

apps() {
  local dist="${DIST:-$root/dist}"
  "${pip_install[@]}" --force-reinstall --no-deps "$(ls "$dist"/python/*.whl | head -n 1)"
  # Everything it needs is installed: a check that the wheel's requirements are met.
  "$work/venv/bin/pip" check

  local pom version
  pom="$(ls "$dist"/java/dev/cdk-hardened-secrets/cdk-hardened-secrets/*/cdk-hardened-secrets-*.pom | head -n 1)"
  version="$(basename "$(dirname "$pom")")"
  # Maven keeps a copy of every jar it resolved: drop the one of an earlier build of this version.
  rm -rf "$HOME/.m2/repository/dev/cdk-hardened-secrets/cdk-hardened-secrets/$version"
  mvn -B -q -f examples/java/pom.xml -Dartefacts.repo="file://$dist/java" -Dcdk-hardened-secrets.version="$version" \
    compile dependency:build-classpath -Dmdep.outputFile="$work/java-deps.txt" -Dmdep.includeScope=runtime
  echo "$root/examples/java/target/classes:$(cat "$work/java-deps.txt")" > "$work/java-classpath.txt"
  touch "$work/ready"
}

case "${1:-}" in
  deps) deps ;;
  apps) apps ;;
  *) echo "usage: $0 deps|apps" >&2; exit 2 ;;
esac
