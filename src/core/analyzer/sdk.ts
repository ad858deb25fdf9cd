/** Where the SDK is used: imports, client constructors, and the request call sites. */
export * from './sdkImports';
export * from './sdkBags';
export * from './sdkCtors';
export * from './sdkCalls';
export * from './sdkAliases';
export * from './sdkSites';
