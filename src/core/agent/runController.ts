/**
 * One run at a time: the current run's AbortController, Stop, and a way to wait until no run is going.
 * Every prompt, retry and compaction goes through begin/end, so whenIdle() always settles.
 */
export class RunController {
  private current: AbortController | undefined;
  private finished: Promise<void> = Promise.resolve();
  private finish: () => void = () => undefined;

  /** The running run's controller, if one is running. */
  get active(): AbortController | undefined {
    return this.current;
  }

  begin(): AbortController {
    const controller = new AbortController();
    this.current = controller;
    this.finished = new Promise((resolve) => (this.finish = resolve));
    return controller;
  }

  /** Ends `controller`'s run; false when it is not the current one (already ended, or fenced off by a newer one). */
  end(controller: AbortController): boolean {
    if (this.current !== controller) return false;
    this.current = undefined;
    this.finish();
    return true;
  }

  cancel(): void {
    this.current?.abort();
  }

  /** Resolves when no run is going (queued quick fixes wait for the current task). */
  async whenIdle(): Promise<void> {
    while (this.current) await this.finished;
  }
}
