/**
 * Checks a SARIF log against the required properties and value constraints of the SARIF 2.1.0
 * schema that GitHub code scanning enforces (sarifLog, run, tool, toolComponent, reportingDescriptor,
 * result, location, physicalLocation, artifactLocation, region). Returns the problems found.
 */
export function validateSarif(log: any): string[] {
  const errs: string[] = [];
  const isObj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  const posInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
  if (!isObj(log)) return ['log is not an object'];
  if (log.version !== '2.1.0') errs.push('version must be "2.1.0"');
  if (typeof log.$schema !== 'string' || !/sarif/.test(log.$schema)) errs.push('$schema should name the SARIF schema');
  if (!Array.isArray(log.runs) || log.runs.length === 0) return [...errs, 'runs must be a non-empty array'];
  log.runs.forEach((run: any, ri: number) => {
    const at = `runs[${ri}]`;
    const driver = run?.tool?.driver;
    if (!isObj(driver)) {
      errs.push(`${at}.tool.driver is required`);
      return;
    }
    if (typeof driver.name !== 'string' || !driver.name) errs.push(`${at}.tool.driver.name is required`);
    const rules: any[] = driver.rules ?? [];
    if (!Array.isArray(rules)) errs.push(`${at}.tool.driver.rules must be an array`);
    const ids = new Set<string>();
    rules.forEach((r, i) => {
      if (typeof r?.id !== 'string' || !r.id) errs.push(`${at}.rules[${i}].id is required`);
      if (ids.has(r.id)) errs.push(`${at}.rules[${i}].id is duplicated`);
      ids.add(r.id);
      if (r.helpUri !== undefined && !/^[a-z][a-z0-9+.-]*:\/\//i.test(r.helpUri)) errs.push(`${at}.rules[${i}].helpUri must be an absolute URI`);
      if (r.shortDescription !== undefined && typeof r.shortDescription.text !== 'string') errs.push(`${at}.rules[${i}].shortDescription.text`);
      const lvl = r.defaultConfiguration?.level;
      if (lvl !== undefined && !['none', 'note', 'warning', 'error'].includes(lvl)) errs.push(`${at}.rules[${i}] bad default level`);
    });
    if (run.columnKind !== undefined && !['utf16CodeUnits', 'unicodeCodePoints'].includes(run.columnKind)) errs.push(`${at}.columnKind`);
    if (!Array.isArray(run.results)) {
      errs.push(`${at}.results must be an array`);
      return;
    }
    run.results.forEach((res: any, i: number) => {
      const rat = `${at}.results[${i}]`;
      if (!isObj(res?.message) || (typeof res.message.text !== 'string' && typeof res.message.id !== 'string')) errs.push(`${rat}.message.text is required`);
      if (res.level !== undefined && !['none', 'note', 'warning', 'error'].includes(res.level)) errs.push(`${rat}.level is invalid`);
      if (typeof res.ruleId !== 'string') errs.push(`${rat}.ruleId is required for code scanning`);
      if (res.ruleIndex !== undefined && (!Number.isInteger(res.ruleIndex) || rules[res.ruleIndex]?.id !== res.ruleId)) errs.push(`${rat}.ruleIndex does not match ruleId`);
      if (!Array.isArray(res.locations) || res.locations.length === 0) errs.push(`${rat}.locations required for code scanning`);
      (res.locations ?? []).forEach((loc: any, li: number) => {
        const pl = loc?.physicalLocation;
        if (!isObj(pl)) return void errs.push(`${rat}.locations[${li}].physicalLocation is required`);
        if (typeof pl.artifactLocation?.uri !== 'string') errs.push(`${rat}.locations[${li}].artifactLocation.uri is required`);
        const reg = pl.region;
        if (!isObj(reg)) return void errs.push(`${rat}.locations[${li}].region is required`);
        if (!posInt(reg.startLine)) errs.push(`${rat} region.startLine must be ≥ 1`);
        for (const k of ['startColumn', 'endLine', 'endColumn']) if (reg[k] !== undefined && !posInt(reg[k])) errs.push(`${rat} region.${k} must be ≥ 1`);
        if (reg.endLine !== undefined && reg.endLine < reg.startLine) errs.push(`${rat} region ends before it starts`);
      });
      if (res.partialFingerprints !== undefined) {
        if (!isObj(res.partialFingerprints)) errs.push(`${rat}.partialFingerprints must be an object`);
        else for (const v of Object.values(res.partialFingerprints)) if (typeof v !== 'string') errs.push(`${rat}.partialFingerprints values must be strings`);
      }
    });
  });
  return errs;
}
