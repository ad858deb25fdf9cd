import { PLATFORM_RETIREMENT_NOTE, RETIREMENT_WARNING_DAYS, lookupModel, type ModelStatus } from '../../data/api-facts';
import type { CallSite } from '../sdk';
import type { StrVal } from '../syntax';
import { migrateCompletions } from '../checks/completions';
import { valueOf } from '../syntax';
import { completionsOf, foreignNote, requestsOf } from '../checks/requests';
import { defineRule } from './rule';

export default defineRule({
  id: 'retired-model',
  defaultSeverity: 'error',
  description: 'A retired model id: the API answers 404 "model: <id>". Fix: its successor.',
  summary: '404 "model: &lt;id&gt;" → its successor',
  fix: 'safe',
  deprecatedCode: true,
  on: 'calls',
  check(ctx) {
    const targets: { str?: StrVal; status?: ModelStatus; legacy?: CallSite }[] = requestsOf(ctx).map((r) => ({ str: r.model?.str, status: r.model?.status }));
    // The model of a legacy completions call is usually retired too.
    for (const site of completionsOf(ctx)) {
      const me = site.params?.entries.get('model');
      const mv = me ? valueOf(ctx.src, me.valueNode) : undefined;
      const status = mv?.kind === 'string' ? lookupModel(mv.value, ctx.options.today) : undefined;
      if (mv?.kind === 'string' && status?.kind === 'retired') targets.push({ str: mv, status, legacy: site });
    }
    for (const { str, status, legacy } of targets) {
      if (!str || !status) continue;
      const id = str.value;
      if (status.kind === 'retired') {
        const when = status.retiredOn ? ` since ${status.retiredOn}` : '';
        const platforms = status.retiredOn ? ` ${PLATFORM_RETIREMENT_NOTE}` : '';
        if (legacy) {
          // A current model behind Text Completions is still a call that cannot work: offer the migration (which swaps the model too).
          const mig = legacy.params ? migrateCompletions(ctx, legacy, legacy.params) : undefined;
          ctx.report(str.node,
            `${id} is retired${when}: the API answers 404 "model: ${id}". This is a legacy Text Completions call, which no current model serves: replacing the model alone cannot fix it. Migrate the call to messages.create with ${status.successor}.${platforms}`,
            mig ? [mig] : []);
          continue;
        }
        ctx.report(str.node,
          `${id} is retired${when}: the API answers 404 "model: ${id}". Use ${status.successor}.${platforms}${foreignNote(str)}`,
          str.foreign || str.computed ? [] : [{ title: `Replace with ${status.successor}`, kind: 'quickfix', safe: true, edits: [{ start: str.contentStart, end: str.contentEnd, newText: status.successor }] }]);
      } else if (status.kind === 'current' && status.lifecycle) {
        // Announced retirement: a warning within RETIREMENT_WARNING_DAYS of the day, info before.
        const { entry, daysToRetirement } = status.lifecycle;
        const soon = daysToRetirement <= RETIREMENT_WARNING_DAYS;
        const dep = entry.deprecatedOn ? `deprecated since ${entry.deprecatedOn}, ` : '';
        ctx.report(str.node,
          `${id}${foreignNote(str)} is ${dep}retiring on ${entry.retiresOn}${entry.tentative ? ' (tentative)' : ''}, in ${daysToRetirement} day${daysToRetirement === 1 ? '' : 's'}; after that the API answers 404 "model: ${id}". Move to ${entry.successor}. ${PLATFORM_RETIREMENT_NOTE}`,
          [], soon ? 'warning' : 'info');
      }
    }
  },
});
