import type { OrganizationalUnit } from '@aws-sdk/client-organizations';
import type { AccountAncestry } from '../domain/model.js';
import { lazyImport } from '../lazy-import.js';
import { type ClientFactory, ORGANIZATIONS_REGION } from './clients.js';
import { atCallSite } from './errors.js';
import { collectPages } from './paginate.js';

const organizationsSdk = lazyImport(() => import('./sdk/organizations.js'));

/** Organizations list calls accept at most 20 per page. */
const ORG_PAGE_SIZE = 20;

/**
 * Reads which OUs accounts sit in, for routing alerts by OU: ListParents up to the root, and the OU names
 * of each level (ListOrganizationalUnitsForParent, cached per parent) for the paths. Calls are sequential:
 * Organizations throttles per organization. Only routes that name OUs read ancestry, so Organizations' SDK
 * is loaded (`import()`) by the first read, not with every function that may alert.
 */
export class AccountAncestryReader {
  private readonly children = new Map<string, Promise<OrganizationalUnit[]>>();

  constructor(private readonly factory: ClientFactory) {}

  async ancestry(accountId: string): Promise<AccountAncestry> {
    const chain: string[] = [];
    let childId = accountId;
    for (let depth = 0; depth < 10; depth++) {
      const id = childId;
      const { Parents } = await this.call('ListParents', async () => {
        const { ListParentsCommand, organizationsClient } = await organizationsSdk();
        return organizationsClient(this.factory).send(new ListParentsCommand({ ChildId: id }));
      });
      const parent = Parents?.[0];
      if (!parent?.Id || parent.Type === 'ROOT') {
        if (parent?.Id) chain.unshift(parent.Id);
        break;
      }
      chain.unshift(parent.Id);
      childId = parent.Id;
    }
    // chain: root, then OUs from the top down to the account's parent.
    const ouIds = chain.slice(1);
    const ouPaths: string[] = [];
    let path = '';
    for (let i = 1; i < chain.length; i++) {
      const name = (await this.childOus(chain[i - 1]!)).find((ou) => ou.Id === chain[i])?.Name ?? chain[i];
      path = `${path}/${name}`;
      ouPaths.push(path);
    }
    return { ouIds: ouIds.reverse(), ouPaths: ouPaths.reverse() };
  }

  private childOus(parentId: string): Promise<OrganizationalUnit[]> {
    let listed = this.children.get(parentId);
    if (!listed) {
      listed = collectPages((NextToken) =>
        this.call('ListOrganizationalUnitsForParent', async () => {
          const { ListOrganizationalUnitsForParentCommand, organizationsClient } = await organizationsSdk();
          return organizationsClient(this.factory).send(
            new ListOrganizationalUnitsForParentCommand({
              ParentId: parentId,
              MaxResults: ORG_PAGE_SIZE,
              NextToken,
            }),
          );
        }).then((page) => ({ items: page.OrganizationalUnits, nextToken: page.NextToken })),
      );
      this.children.set(parentId, listed);
    }
    return listed;
  }

  private call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    return atCallSite(
      { operation, accountId: this.factory.managementAccountId, region: ORGANIZATIONS_REGION },
      send,
    );
  }
}
