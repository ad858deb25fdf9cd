/**
 * Generated TypeScript shared by the analyzer benchmark and the analyzer's timing test: SDK code
 * in which most handlers carry a problem (a findings-heavy file).
 */

/** Findings-heavy: every third handler calls a retired model, every fifth lacks max_tokens. */
export function denseTsFile(lines: number): string {
  const parts: string[] = [`import Anthropic from '@anthropic-ai/sdk';\n\nconst client = new Anthropic({ maxRetries: 2 });\n\n`];
  let count = 4;
  for (let i = 0; count < lines; i++) {
    const b = `export async function handler${i}(input: string): Promise<string> {\n`
      + `  const reply = await client.messages.create({\n`
      + `    model: '${i % 3 === 0 ? 'claude-3-5-sonnet-20241022' : 'claude-haiku-4-5'}',\n`
      + (i % 5 === 0 ? '' : `    max_tokens: ${256 + (i % 4) * 64},\n`)
      + `    messages: [{ role: 'user', content: \`Task ${i}: \${input}\` }],\n`
      + `  });\n`
      + `  const text = reply.content.map((b) => (b.type === 'text' ? b.text : '')).join('');\n`
      + `  return text.trim() + String(${i});\n`
      + `}\n\n`;
    parts.push(b);
    count += b.split('\n').length - 1;
  }
  return parts.join('').split('\n').slice(0, lines).join('\n') + '\n';
}

