/** Things due at a simulated time, run in (time, insertion) order. */
interface AgendaItem {
  readonly at: number;
  readonly sequence: number;
  readonly run: () => void;
}

export class Agenda {
  private readonly items: AgendaItem[] = [];
  private sequence = 0;

  add(at: Date, run: () => void): void {
    const item = { at: at.getTime(), sequence: this.sequence++, run };
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const other = this.items[mid]!;
      if (other.at < item.at || (other.at === item.at && other.sequence < item.sequence)) low = mid + 1;
      else high = mid;
    }
    this.items.splice(low, 0, item);
  }

  /** Time of the earliest item, or undefined when nothing is due. */
  peekTime(): number | undefined {
    return this.items[0]?.at;
  }

  shift(): AgendaItem | undefined {
    return this.items.shift();
  }
}
