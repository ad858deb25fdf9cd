/** Syntax helpers shared by the TS/JS and Python paths: values, scopes, list edits, styles. */
export * from './syntaxNodes';
export * from './syntaxValues';
export * from './syntaxScopes';
export * from './syntaxEdit';
