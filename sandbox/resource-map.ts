import type { SimResource } from './state.js';

/**
 * Resources by ARN (ARNs are globally unique), also kept by account and Region: every list call and every
 * backup window asks for one account's resources in one Region, and scanning the whole organization's for
 * each made a sweep's cost grow with accounts × resources. Both views keep insertion order.
 */
export class ResourceMap extends Map<string, SimResource> {
  private readonly byPlace = new Map<string, Map<string, SimResource>>();

  override set(arn: string, resource: SimResource): this {
    const previous = this.get(arn);
    if (previous && (previous.accountId !== resource.accountId || previous.region !== resource.region)) {
      this.byPlace.get(placeOf(previous))?.delete(arn);
    }
    super.set(arn, resource);
    const place = placeOf(resource);
    let here = this.byPlace.get(place);
    if (!here) {
      here = new Map();
      this.byPlace.set(place, here);
    }
    here.set(arn, resource);
    return this;
  }

  override delete(arn: string): boolean {
    const previous = this.get(arn);
    if (previous) this.byPlace.get(placeOf(previous))?.delete(arn);
    return super.delete(arn);
  }

  override clear(): void {
    this.byPlace.clear();
    super.clear();
  }

  /** Every resource of one account in one Region (deleted ones included), in insertion order. */
  in(accountId: string, region: string): IterableIterator<SimResource> {
    return (this.byPlace.get(`${accountId}/${region}`) ?? EMPTY).values();
  }
}

const EMPTY: ReadonlyMap<string, SimResource> = new Map();

function placeOf(resource: SimResource): string {
  return `${resource.accountId}/${resource.region}`;
}
