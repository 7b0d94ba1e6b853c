import {
  AccessDeniedException,
  AttachPolicyCommand,
  ConstraintViolationException,
  CreatePolicyCommand,
  DetachPolicyCommand,
  DuplicatePolicyAttachmentException,
  DuplicatePolicyException,
  EnablePolicyTypeCommand,
  ListAccountsCommand,
  ListRootsCommand,
  MalformedPolicyDocumentException,
  PolicyNotAttachedException,
  PolicyTypeNotEnabledException,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
} from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import {
  backupPolicy,
  baseWorld,
  clients,
  MANAGEMENT,
  memberCredentials,
  PROD,
  simulate,
} from './helpers.js';

const content = JSON.stringify(backupPolicy());

describe('Organizations', () => {
  it('enables the backup policy type asynchronously and refuses attachments until then', async () => {
    const sim = simulate(baseWorld({ backupPolicyType: 'DISABLED' }));
    const { organizations } = clients(sim, sim.managementCredentials());
    const rootId = sim.inspect.rootId();
    const created = await organizations.send(
      new CreatePolicyCommand({ Name: 'p', Description: '', Type: 'BACKUP_POLICY', Content: content }),
    );
    const policyId = created.Policy?.PolicySummary?.Id;
    const enabled = await organizations.send(
      new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'BACKUP_POLICY' }),
    );
    expect(enabled.Root?.PolicyTypes).toEqual([{ Type: 'BACKUP_POLICY', Status: 'PENDING_ENABLE' }]);
    const early = await organizations
      .send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: rootId }))
      .catch((e: unknown) => e);
    expect(early).toBeInstanceOf(PolicyTypeNotEnabledException);
    sim.advanceBy(60_000);
    const roots = await organizations.send(new ListRootsCommand({}));
    expect(roots.Roots?.[0]?.PolicyTypes).toEqual([{ Type: 'BACKUP_POLICY', Status: 'ENABLED' }]);
    await organizations.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: rootId }));
    const again = await organizations
      .send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: rootId }))
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(DuplicatePolicyAttachmentException);
    await organizations.send(new DetachPolicyCommand({ PolicyId: policyId, TargetId: rootId }));
    const notAttached = await organizations
      .send(new DetachPolicyCommand({ PolicyId: policyId, TargetId: rootId }))
      .catch((e: unknown) => e);
    expect(notAttached).toBeInstanceOf(PolicyNotAttachedException);
    expect(sim.drainCentralBusEvents().map((e) => e.detail.eventName)).toEqual([
      'AttachPolicy',
      'DetachPolicy',
    ]);
  });

  it.each([
    {
      why: 'a second policy with the same name',
      name: 'dup',
      body: content,
      error: DuplicatePolicyException,
    },
    {
      why: 'content that is not JSON',
      name: 'bad',
      body: '{"plans": ',
      error: MalformedPolicyDocumentException,
    },
    {
      why: 'content over 10,000 characters (whitespace counts)',
      name: 'big',
      body: content + ' '.repeat(10_000),
      error: ConstraintViolationException,
    },
  ])('rejects $why', async ({ name, body, error }) => {
    const sim = simulate(baseWorld({ policies: [{ name: 'dup', content }] }));
    const { organizations } = clients(sim, sim.managementCredentials());
    const thrown = await organizations
      .send(new CreatePolicyCommand({ Name: name, Description: '', Type: 'BACKUP_POLICY', Content: body }))
      .catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(error);
    if (thrown instanceof ConstraintViolationException)
      expect(thrown.Reason).toBe('POLICY_CONTENT_LIMIT_EXCEEDED');
  });

  it('walks the OU tree with the SDK paginators despite empty pages', async () => {
    const ids = Array.from({ length: 45 }, (_, i) => String(300000000000 + i));
    const sim = simulate(
      baseWorld({
        organization: { accounts: [MANAGEMENT, ...ids], ous: [{ name: 'Workloads', accounts: [PROD] }] },
      }),
    );
    const { organizations } = clients(sim, sim.managementCredentials());
    const rootId = sim.inspect.rootId();
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListAccountsForParent({ client: organizations }, { ParentId: rootId })) {
      pages++;
      seen.push(...(page.Accounts ?? []).map((a) => a.Id ?? ''));
    }
    expect(seen.sort()).toEqual([MANAGEMENT, ...ids].sort());
    expect(pages).toBeGreaterThanOrEqual(3);
    const ous = [];
    for await (const page of paginateListOrganizationalUnitsForParent(
      { client: organizations },
      { ParentId: rootId },
    )) {
      ous.push(...(page.OrganizationalUnits ?? []));
    }
    expect(ous.map((ou) => ou.Name)).toEqual(['Workloads']);
    expect(ous[0]?.Id).toMatch(new RegExp(`^ou-${rootId.slice(2)}-[a-z0-9]{8}$`));
  });

  it('refuses management-only calls from a member account', async () => {
    const sim = simulate(baseWorld());
    const { organizations } = clients(sim, memberCredentials(sim, PROD));
    await expect(organizations.send(new ListAccountsCommand({}))).rejects.toBeInstanceOf(
      AccessDeniedException,
    );
  });
});
