// @ts-check
/* The shape of the data the page carries, typed once: what micrograd_like/page/export.py's
 * graph_data writes into the page (as JSON) and the generated MG_MATH script computes. */

/**
 * @typedef {object} EdgeText  one input of an op, as text
 * @property {string} d  the local derivative's name: "dz[2]/ds[2]"
 * @property {string} formula  its formula in context: "1 - z[2]²"
 * @property {string} numbers  the formula with slots for numbers: "1 - ⟨out⟩²"
 * @property {number} use  which use of the parent this edge is, from 1 (backprop.Edge.use)
 */

/**
 * @typedef {object} NodeData  one node, in backward order (node i is the picture's n<i>)
 * @property {string} name  what people read: "w[2]12", "x·y", "t7"
 * @property {string} grad_name  d(root)/d(this node): "dL/dw[2]12"
 * @property {number} uses  how many edges leave the node (x * x: two)
 * @property {string} label
 * @property {string} kind  "parameter", "input", "constant", or "" for an op's output
 * @property {number[]} parents  the inputs' indices
 * @property {string} [op]  the rule's name, for a node made by an op
 * @property {number} [rule]  index into PageData.rules
 * @property {EdgeText[]} [edges]  per input
 * @property {string} [show]  the op over its inputs' names: "w[2]12·z[1]2"
 */

/**
 * @typedef {object} ForwardStepData  one step of the forward pass (page/export.py's forward_data)
 * @property {number} node  the node it computes
 * @property {string} formula  over names: "w[1]11·x1+w[1]12·x2"
 * @property {string} numbers  with a slot per value read: "⟨9⟩·⟨18⟩+⟨11⟩·⟨21⟩"
 * @property {number[]} reads  the leaves and earlier steps' nodes it reads
 * @property {number[]} computes  the nodes whose values it computes (written out in it, then its own)
 */

/**
 * @typedef {object} RuleData
 * @property {string} name
 * @property {string} symbol
 * @property {string[]} inputs  "a", "b"
 * @property {string[]} formulas  per input, the local derivative's formula
 * @property {string[]} checks  the messages of the rule's checks (str.format templates)
 * @property {string} overflow  the message when the result is not finite
 */

/**
 * @typedef {object} Constants  what the script would otherwise repeat from Python
 * @property {number} max_paths  explain.MAX_PATHS
 * @property {number} picture_digits  significant digits in the picture
 * @property {number} text_digits  ... and in the text
 * @property {string} grad_of_leaf  "dL/dleaf"
 * @property {string} grad_of_w  "dL/dw"
 */

/**
 * @typedef {object} PageData
 * @property {string} title
 * @property {string} root  the root's name
 * @property {number} lr
 * @property {NodeData[]} nodes
 * @property {RuleData[]} rules
 * @property {Record<string, string>} legend
 * @property {Record<string, string>} notes  node index (as text) -> a note
 * @property {Array<[number, number, Array<[number, number, number]>]>} steps  the engine's steps
 * @property {ForwardStepData[]} forward  the forward pass as steps, in the post's order (story.forward_steps)
 * @property {{values: number[], grads: number[]}} reference  the engine's numbers
 * @property {Constants} constants
 * @property {NetworkData} [network]  the network view's data, on a page of an MLP's forward pass
 * @property {DescentData} descent  the "Gradient descent" chapter (micrograd_like/page/chapters.py)
 * @property {LandscapeData} landscape
 * @property {import("./trainingrun.js").TrainingPart} training  the "Training" chapter (page/training.py)
 */

/**
 * @typedef {object} DescentData  J along one weight
 * @property {string[]} weights  the weights' names
 * @property {number[]} indices  their nodes
 * @property {number} weight  the one chosen first (index into weights)
 * @property {Array<number[] | null>} curvature_leaves  per weight, per node of its J'' graph: the leaf it reads, or -1
 * @property {number | null} target  the node of the target y, if the graph has one
 * @property {Record<string, string>} step_words  descent.STEP_WORDS
 * @property {Array<{label: string, target: number, w: number, lr: number}>} presets
 */

/**
 * @typedef {object} LandscapeData  the post's landscape J(θ1, θ2) and the optimizers' race
 * @property {string} formula  landscape.FORMULA
 * @property {number} t1  the node of θ1 in MG_LANDSCAPE
 * @property {number} t2
 * @property {{global: number[], local: number[], saddle: number[]}} minima
 * @property {Record<string, Record<string, number | boolean | number[]>>} optimizers  class name -> keyword defaults
 * @property {Array<[string, string, Record<string, number | boolean | number[]>]>} racers  label, class, options
 * @property {number[]} start
 */

/**
 * @typedef {object} NetworkData  micrograd_like/page/network.py's network_data
 * @property {string[]} inputs  "x1", "x2"
 * @property {Array<{name: string, s: string, activation: string, terms: Array<[string, string]>, bias: string | null}>} units
 *   each unit's output name (z[1]1), linear part (s[1]1), and its terms [weight, input]
 * @property {Array<{name: string, source: string, target: string}>} weights  w, what it multiplies, the s it feeds
 * @property {number} largest  the largest |w| when the page was made (the widest edge)
 * @property {[number, number]} widths  the pen widths of w = 0 and of the largest |w|
 * @property {{positive: string, negative: string, zero: string}} colours  by the weight's sign
 * @property {{positive: string, negative: string, zero: string}} text_colours
 */

/** @typedef {[number, number, number]} EdgeStep  local, contribution, the parent's grad after */

/** @typedef {Array<number | EdgeStep>} StepNumbers  [upstream, EdgeStep per input] */

/**
 * @typedef {object} GraphMath  the generated script (micrograd_like/page/jsgen.py)
 * @property {number} size
 * @property {(leaf: number[], fail: (i: number, k: number, inputs: number[]) => never,
 *   overflow: (i: number, out: number, inputs: number[]) => never) => number[]} forward
 * @property {(values: number[]) => {grads: number[], steps: StepNumbers[]}} backward
 * @property {Record<string, (a: number) => number>} functions  tanh, exp, log, sigmoid, relu (jsgen.TYPED_FUNCTIONS)
 */

/** @typedef {{values: number[], grads: number[], steps: StepNumbers[]}} Computation */

/** @typedef {{error: string, node: number | null}} Failure */

export {};
