import pkg from '../../package.json';

/** The package version, bundled at build time (recorded in every run manifest). */
export const PACKAGE_VERSION: string = pkg.version;
