// @ts-check
/* The graph's structure, from the page's data: names as keys, which leaves are editable, what the
 * first k backward steps have made known, and the paths from the root to a node. */

/** @typedef {import("./types.js").NodeData} NodeData */
/** @typedef {import("./types.js").StepNumbers} StepNumbers */
/** @typedef {import("./types.js").EdgeStep} EdgeStep */

/** The upstream gradient of a step.
 * @param {StepNumbers} step */
export function upstreamOf(step) {
  return /** @type {number} */ (step[0]);
}

/** The numbers of the step's k-th edge: local, contribution, the parent's grad after.
 * @param {StepNumbers} step
 * @param {number} k */
export function edgeOf(step, k) {
  return /** @type {EdgeStep} */ (step[k + 1]);
}

/** state() keys: each node's name, with "#2", "#3" added when a name repeats. A name is data:
 * the keys are collected in a Map, never as properties of a plain object.
 * @param {NodeData[]} nodes
 * @returns {string[]} */
export function stateKeys(nodes) {
  const used = new Map();
  return nodes.map((node) => {
    let key = node.name;
    for (let n = 2; used.has(key); n++) key = node.name + "#" + n;
    used.set(key, true);
    return key;
  });
}

/** The labelled leaves other than constants: the page's number inputs.
 * @param {NodeData[]} nodes */
export function editableLeaves(nodes) {
  return indices(nodes).filter(
    (i) => nodes[i].parents.length === 0 && nodes[i].kind !== "constant" && nodes[i].label,
  );
}

/** The parameters: what Apply update changes.
 * @param {NodeData[]} nodes */
export function parameterLeaves(nodes) {
  return indices(nodes).filter((i) => nodes[i].parents.length === 0 && nodes[i].kind === "parameter");
}

/** @param {NodeData[]} nodes */
function indices(nodes) {
  return nodes.map((_, i) => i);
}

/** Which gradients the first k steps have made known, and their partial sums: got[i] counts the
 * uses of node i that have passed their gradient back, grad[i] is null before the first.
 * @param {NodeData[]} nodes
 * @param {StepNumbers[]} steps
 * @param {number} k
 * @returns {{got: number[], grad: Array<number | null>}} */
export function known(nodes, steps, k) {
  const got = new Array(nodes.length).fill(0);
  /** @type {Array<number | null>} */
  const grad = new Array(nodes.length).fill(null);
  if (k > 0) grad[0] = upstreamOf(steps[0]);
  for (let s = 0; s < k; s++) {
    nodes[s].parents.forEach((p, e) => {
      got[p] = useOf(nodes[s], e);
      grad[p] = edgeOf(steps[s], e)[2];
    });
  }
  return { got, grad };
}

/** Which use of its parent node's k-th edge is (1 .. the parent's uses): the engine's count,
 * from the data (backprop.Edge.use), so the page never counts on its own.
 * @param {NodeData} node
 * @param {number} k */
export function useOf(node, k) {
  return (node.edges || [])[k].use;
}

/** The number of paths from each node down to `target` (parents come after the nodes using them).
 * @param {NodeData[]} nodes
 * @param {number} target */
export function countPaths(nodes, target) {
  const count = new Array(nodes.length).fill(0);
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (i === target) {
      count[i] = 1;
      continue;
    }
    nodes[i].parents.forEach((p) => {
      count[i] += count[p];
    });
  }
  return count;
}

/** Every path from the root to `target`, each a list of [node, input] edges from the root down.
 * @param {NodeData[]} nodes
 * @param {number} target
 * @param {number[]} count  countPaths(nodes, target)
 * @returns {Array<Array<[number, number]>>} */
export function findPaths(nodes, target, count) {
  /** @type {Array<Array<[number, number]>>} */
  const paths = [];
  /** @type {Array<[number, number]>} */
  const path = [];
  /** @param {number} i */
  const walk = (i) => {
    if (i === target) {
      paths.push(path.slice());
      return;
    }
    nodes[i].parents.forEach((p, k) => {
      if (!count[p]) return;
      path.push([i, k]);
      walk(p);
      path.pop();
    });
  };
  walk(0);
  return paths;
}

/** The notes to show at node i: its own and its inputs', each once.
 * @param {NodeData[]} nodes
 * @param {Record<string, string>} notes
 * @param {number} i */
export function notesFor(nodes, notes, i) {
  /** @type {string[]} */
  const found = [];
  /** @param {number} j */
  const note = (j) => (Object.prototype.hasOwnProperty.call(notes, String(j)) ? notes[String(j)] : "");
  if (note(i)) found.push(note(i));
  nodes[i].parents.forEach((p) => {
    if (note(p) && found.indexOf(note(p)) < 0) found.push(note(p));
  });
  return found;
}
