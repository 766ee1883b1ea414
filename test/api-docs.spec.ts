// The API reference (`npm run docs`) is TypeDoc over both entry points. Here TypeDoc converts
// and validates them without writing anything, so an export without a doc comment, a broken
// {@link} or a public type that is not exported fails `npm test`, not just `npm run docs`.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Application, LogLevel, Logger } from 'typedoc';

/** Keeps every warning and error (TypeDoc's validation reports as warnings) for the failure message. */
class CollectingLogger extends Logger {
  readonly messages: string[] = [];
  override log(message: string, level: LogLevel): void {
    super.log(message, level);
    if (level >= LogLevel.Warn) this.messages.push(message);
  }
}

describe('API reference', () => {
  it('TypeDoc finds every export of backprop, backprop/exchange and backprop/brain documented, every link resolved', async () => {
    const app = await Application.bootstrapWithPlugins({ options: fileURLToPath(new URL('../typedoc.json', import.meta.url)) });
    const logger = new CollectingLogger();
    app.logger = logger;
    const project = await app.convert();
    expect(project, 'TypeDoc could not convert the sources').toBeDefined();
    app.validate(project!);
    expect(logger.messages).toEqual([]);
    // The entry points' names, and the internal worker runner left out (stripInternal drops it from the .d.ts too).
    expect(project!.children?.map((m) => m.name).sort()).toEqual(['backprop', 'backprop/brain', 'backprop/exchange']);
    expect(project!.getChildByName(['backprop', 'Network'])).toBeDefined();
    expect(project!.getChildByName(['backprop', 'runTrainingJob'])).toBeUndefined();
  }, 120_000);
});
