// The extender's picture of the cluster, fed by informers (cache/informers.ts): each node's
// capacity, its NUMA zones, the pods placed on it and the in-flight reservations. Requests
// name nodes only; `view()` answers with what predicates and scores need, net of usage.
// A node's view is computed once and kept until something about that node changes, so a
// filter over thousands of nodes allocates nothing for nodes without in-flight holds; the
// view net of holds is kept the same way, until the node's next generation.
//
// Usage model. Placed pods count against a node until the node's publisher reflects them:
// VFs always (node allocatable is a total); local disk until the node's capacity annotation
// changes after the pod was placed (TopoLVM's node agent lowers it as volumes are created);
// NUMA-zone CPU, memory and VFs of single-NUMA pods until the node's NodeResourceTopology
// zones change (an exporter lowers `available`). With no publisher (kwok), they count for
// the pod's lifetime. Must not do I/O.
//
// Every change to what a pod sees of a node (the node, its topology, its pods, the holds on
// it) moves the node to a new generation: the equivalence cache (equivalence.ts) trusts a
// remembered verdict only at the generation it was computed at.

import { isIndifferent, type PodDemand, type PodLike, podDemand } from '../../../common/nodes/demand.ts';
import type { Amount, NodeView, Published, ZoneView } from '../../../common/nodes/node-view.ts';
import {
  type NodeCapacity,
  nodeCapacity,
  TOPOLOGY_SOURCE,
  topologyZones,
  type ZoneCapacity,
} from '../../../common/nodes/parse.ts';
import { bestZone } from '../../../common/nodes/zone-fit.ts';
import { applyHolds } from './apply-holds.ts';
import { type Hold, Reservations } from './reservations.ts';

interface Placed {
  uid: string;
  node: string;
  demand: PodDemand;
  zone: string | undefined;
  countsDisk: boolean;
  countsZone: boolean;
}

interface ZoneUsage {
  cpu: number;
  memory: number;
  vfs: number;
}

interface Usage {
  disk: number;
  vfs: number;
  zones: Map<string, ZoneUsage>;
  core: Map<string, number>;
  pods: Set<Placed>;
}

interface TopologyEntry {
  zones: Published<ZoneCapacity[]>;
  fingerprint: string;
}

export interface CacheEvents {
  reservationsCreated(n: number): void;
  reservationsEnded(outcome: 'bound' | 'deleted' | 'expired', n: number): void;
}

const NO_EVENTS: CacheEvents = { reservationsCreated() {}, reservationsEnded() {} };

const TERMINAL = new Set(['Succeeded', 'Failed']);

const amount = (total: number, free: number): Amount => ({ total, free, held: 0 });

export class NodeCache {
  readonly reservations: Reservations;
  readonly #nodes = new Map<string, NodeCapacity>();
  readonly #topologies = new Map<string, TopologyEntry>();
  readonly #placed = new Map<string, Placed>();
  readonly #usage = new Map<string, Usage>();
  /** Views net of placed pods (not of holds), computed on first use after a change. */
  readonly #views = new Map<string, NodeView>();
  /**
   * Views net of every hold as well, for a pod holding nothing on the node, at the generation
   * they were computed at: a filter, its reservations and the scores that follow read the
   * same view, and during a burst every passing node carries holds.
   */
  readonly #heldViews = new Map<string, { generation: number; view: NodeView }>();
  readonly #events: CacheEvents;
  readonly #generations = new Map<string, number>();
  #clock = 0;

  constructor(options: { reservationTtlMs: number; now?: () => number; events?: CacheEvents }) {
    this.reservations = new Reservations(options.reservationTtlMs, options.now, (node) => this.#bump(node));
    this.#events = options.events ?? NO_EVENTS;
  }

  get nodeCount(): number {
    return this.#nodes.size;
  }

  /** The node's generation: it changes whenever anything a pod sees of the node does. */
  generation(name: string): number {
    return this.#generations.get(name) ?? 0;
  }

  upsertNode(node: Parameters<typeof nodeCapacity>[0]): void {
    const next = nodeCapacity(node);
    if (next.name === '') return;
    const before = this.#nodes.get(next.name);
    if (before && before.vfs === next.vfs && JSON.stringify(before.disk) === JSON.stringify(next.disk))
      return;
    this.#nodes.set(next.name, next);
    this.#changed(next.name);
    if (before && JSON.stringify(before.disk) !== JSON.stringify(next.disk)) {
      // The publisher has spoken since these pods were placed: its number includes them.
      this.#forEachPlaced(next.name, (p, u) => {
        if (!p.countsDisk) return;
        p.countsDisk = false;
        u.disk -= p.demand.localDisk;
      });
    }
  }

  deleteNode(name: string): void {
    this.#nodes.delete(name);
    this.#changed(name);
    this.#generations.delete(name);
    this.#heldViews.delete(name);
  }

  upsertTopology(nrt: { metadata?: { name?: string } } & Record<string, unknown>): void {
    const name = nrt.metadata?.name;
    if (!name) return;
    const zones = topologyZones(nrt);
    const fingerprint = JSON.stringify(zones);
    const before = this.#topologies.get(name);
    if (before?.fingerprint === fingerprint) return;
    this.#topologies.set(name, { zones, fingerprint });
    this.#changed(name);
    if (before) {
      this.#forEachPlaced(name, (p, u) => {
        if (!p.countsZone || p.zone === undefined) return;
        p.countsZone = false;
        addZone(u, p.zone, p.demand, -1);
      });
    }
  }

  deleteTopology(name: string): void {
    this.#topologies.delete(name);
    this.#changed(name);
  }

  /** A pod add/update from the informer (bound, non-terminal pods matter). */
  upsertPod(pod: PodLike): void {
    const node = pod.spec?.nodeName;
    if (!node) return; // still pending: its reservation stays until bound or expired
    if (TERMINAL.has(pod.status?.phase ?? '')) {
      this.deletePod(pod);
      return;
    }
    const demand = podDemand(pod);
    if (this.#placed.has(demand.uid)) return; // a placed pod's requests do not change
    const holds = this.reservations.release(demand.uid);
    if (holds !== undefined) this.#events.reservationsEnded('bound', 1);
    // A single-NUMA pod takes the zone it held on this node, else the best fit now.
    const zone = demand.singleNuma
      ? (holds?.get(node)?.zone?.name ?? this.#pickZone(demand, node))
      : undefined;
    if (isIndifferent(demand)) return;
    const placed: Placed = {
      uid: demand.uid,
      node,
      demand,
      zone,
      countsDisk: demand.localDisk > 0,
      countsZone: zone !== undefined,
    };
    this.#placed.set(placed.uid, placed);
    const u = this.#usageOf(node);
    u.pods.add(placed);
    if (placed.countsDisk) u.disk += demand.localDisk;
    u.vfs += demand.vfs;
    if (zone !== undefined) addZone(u, zone, demand, 1);
    if (demand.coreService) u.core.set(demand.coreService, (u.core.get(demand.coreService) ?? 0) + 1);
  }

  deletePod(pod: PodLike): void {
    const uid = podDemand(pod).uid;
    if (this.reservations.release(uid)) this.#events.reservationsEnded('deleted', 1);
    const p = this.#placed.get(uid);
    if (!p) return;
    this.#placed.delete(uid);
    const u = this.#usageOf(p.node);
    u.pods.delete(p);
    if (p.countsDisk) u.disk -= p.demand.localDisk;
    u.vfs -= p.demand.vfs;
    if (p.countsZone && p.zone !== undefined) addZone(u, p.zone, p.demand, -1);
    const service = p.demand.coreService;
    if (service) {
      const left = (u.core.get(service) ?? 1) - 1;
      if (left > 0) u.core.set(service, left);
      else u.core.delete(service);
    }
  }

  /** Holds the pod's needs on every node it passed, replacing its earlier holds. */
  reserve(demand: PodDemand, nodes: readonly string[]): void {
    if (demand.vfs === 0 && demand.localDisk === 0 && !demand.singleNuma) return;
    const holds = new Map<string, Hold>();
    // Holds are never changed once made: nodes whose chosen zone has the same name share one.
    const shared = new Map<string | undefined, Hold>();
    for (const node of nodes) {
      const zone = demand.singleNuma ? this.#pickZone(demand, node) : undefined;
      let hold = shared.get(zone);
      if (hold === undefined) {
        hold = {
          disk: demand.localDisk,
          vfs: demand.vfs,
          zone:
            zone === undefined
              ? undefined
              : { name: zone, cpu: demand.cpu, memory: demand.memory, vfs: demand.vfs },
        };
        shared.set(zone, hold);
      }
      holds.set(node, hold);
    }
    this.reservations.reserve(demand.uid, holds);
    if (holds.size > 0) this.#events.reservationsCreated(1);
  }

  /** Drops expired reservations (called before each request and periodically). */
  expireReservations(): void {
    const n = this.reservations.expire();
    if (n > 0) this.#events.reservationsEnded('expired', n);
  }

  /** What a pod sees of a node: free amounts net of placed pods and of other pods' holds. */
  view(name: string, forUid?: string): NodeView | undefined {
    const base = this.#baseView(name);
    if (base === undefined) return undefined;
    const held = this.reservations.on(name);
    if (held === undefined) return base;
    const own = forUid === undefined ? undefined : this.reservations.own(forUid, name);
    if (own !== undefined) return applyHolds(base, held, own);
    const generation = this.generation(name);
    const cached = this.#heldViews.get(name);
    if (cached?.generation === generation) return cached.view;
    const view = applyHolds(base, held, undefined);
    this.#heldViews.set(name, { generation, view });
    return view;
  }

  #baseView(name: string): NodeView | undefined {
    const cached = this.#views.get(name);
    if (cached !== undefined) return cached;
    const capacity = this.#nodes.get(name);
    if (capacity === undefined) return undefined;
    const usage = this.#usage.get(name);
    const topology = this.#topologies.get(name);
    const d = capacity.disk;
    let zones: Published<ZoneView[]>;
    if (topology === undefined) zones = { state: 'missing', source: TOPOLOGY_SOURCE };
    else if (topology.zones.state !== 'ok') zones = topology.zones;
    else {
      zones = {
        state: 'ok',
        value: topology.zones.value.map((z) => {
          const used = usage?.zones.get(z.name);
          return {
            name: z.name,
            cpu: amount(z.cpu.allocatable, z.cpu.available - (used?.cpu ?? 0)),
            memory: amount(z.memory.allocatable, z.memory.available - (used?.memory ?? 0)),
            vfs: amount(z.vfs.allocatable, z.vfs.available - (used?.vfs ?? 0)),
          };
        }),
      };
    }
    const view: NodeView = {
      name,
      vfs: amount(capacity.vfs, capacity.vfs - (usage?.vfs ?? 0)),
      disk: d.state === 'ok' ? { state: 'ok', value: amount(d.value, d.value - (usage?.disk ?? 0)) } : d,
      zones,
      coreServices: new Set(usage?.core.keys() ?? []),
    };
    this.#views.set(name, view);
    return view;
  }

  #pickZone(demand: PodDemand, node: string): string | undefined {
    const v = this.view(node, demand.uid);
    if (v === undefined || v.zones.state !== 'ok') return undefined;
    return bestZone(demand, v.zones.value)?.zone.name;
  }

  /** The node's view must be computed again, and its generation moves. */
  #changed(node: string): void {
    this.#views.delete(node);
    this.#bump(node);
  }

  #bump(node: string): void {
    this.#generations.set(node, ++this.#clock);
  }

  #usageOf(node: string): Usage {
    this.#changed(node);
    let u = this.#usage.get(node);
    if (!u) {
      u = { disk: 0, vfs: 0, zones: new Map(), core: new Map(), pods: new Set() };
      this.#usage.set(node, u);
    }
    return u;
  }

  #forEachPlaced(node: string, fn: (p: Placed, u: Usage) => void): void {
    const u = this.#usage.get(node);
    if (!u) return;
    this.#changed(node);
    for (const p of u.pods) fn(p, u);
  }
}

function addZone(u: Usage, zone: string, d: PodDemand, sign: 1 | -1): void {
  const z = u.zones.get(zone) ?? { cpu: 0, memory: 0, vfs: 0 };
  z.cpu += sign * d.cpu;
  z.memory += sign * d.memory;
  z.vfs += sign * d.vfs;
  u.zones.set(zone, z);
}
