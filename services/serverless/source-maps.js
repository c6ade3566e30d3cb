'use strict';

/**
 * Source maps out of the function zips, kept beside them. Every service bundles with esbuild's `sourcemap: external`
 * (services/serverless.common.yml): a `.map` next to each handler bundle and no `sourceMappingURL` in it. This hook
 * leaves each map out of its function's zip (a map is about three times its bundle: shipped, it would be most of the
 * zip Lambda downloads and unpacks at a cold start) and copies the maps to `source-maps/<function>/` in the package
 * folder (`.serverless/`, or `--package <dir>`), which `sls deploy` does not upload. `npm run stack-trace` maps a
 * logged stack back to the sources with them.
 *
 * serverless-esbuild has no option for this (its zip takes every file of the build folder but the other functions'),
 * hence this small hook. List it after serverless-esbuild: its copy runs in the same lifecycle event, after the zips.
 */
const fs = require('node:fs');
const path = require('node:path');

/** serverless-esbuild's work and build folders (its defaults: the services set neither). */
const BUILD_DIR = path.join('.esbuild', '.build');
const PACKAGE_DIR = path.join('.esbuild', '.serverless');

class SourceMaps {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      initialize: () => this.leaveMapsOutOfZips(),
      'before:package:createDeploymentArtifacts': () => this.keepMapsBesideZips(),
    };
  }

  /** A function's `!` patterns are what serverless-esbuild leaves out of its zip when packaging individually. */
  leaveMapsOutOfZips() {
    if (this.serverless.service.package?.individually !== true) {
      throw new this.serverless.classes.Error('source-maps.js expects package.individually: true');
    }
    for (const name of this.serverless.service.getAllFunctions()) {
      const fn = this.serverless.service.getFunction(name);
      fn.package = { ...fn.package, patterns: [...(fn.package?.patterns ?? []), '!**/*.map'] };
    }
  }

  /** Copies each function's map, where serverless-esbuild's zips are; they move on to the package folder with them. */
  keepMapsBesideZips() {
    const serviceDir = this.serverless.serviceDir;
    const maps = [];
    for (const name of this.serverless.service.getAllFunctions()) {
      const { handler } = this.serverless.service.getFunction(name);
      const map = path.join(serviceDir, BUILD_DIR, `${handler.replace(/\.[^.]+$/, '')}.js.map`);
      if (!fs.existsSync(map)) continue;
      const into = path.join(serviceDir, PACKAGE_DIR, 'source-maps', name);
      fs.mkdirSync(into, { recursive: true });
      fs.copyFileSync(map, path.join(into, path.basename(map)));
      maps.push(name);
    }
    if (maps.length === 0) throw new this.serverless.classes.Error('source-maps.js found no source map to keep');
  }
}

module.exports = SourceMaps;
