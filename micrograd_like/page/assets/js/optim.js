// @ts-check
/* The optimizers of micrograd_like/optim.py, on a plain list of numbers: each class's update rule
 * with its keyword arguments and its defaults (which the page reads from the exported data), the
 * same float operations in the same order, so a trajectory equals Python's. A step is all or
 * nothing: when a new weight or state entry is not finite, `step` throws and changes nothing.
 *
 *   const opt = createOptimizer("Adam", defaults, { lr: 0.05 });
 *   theta = opt.step(theta, grads);   // any number of parameters, state kept per parameter */

/** @typedef {Record<string, number | boolean | number[]>} Options */
/** @typedef {Record<string, number>} State */
/** @typedef {(theta: number, g: number, state: State, t: number) => [number, State]} Update */

/**
 * @typedef {object} Optimizer
 * @property {string} name
 * @property {Options} options  every keyword argument, defaults filled in
 * @property {() => number} steps  how many steps have run
 * @property {(theta: number[], grads: number[]) => number[]} step  the new parameters
 */

/** The keyword arguments with the defaults filled in, or an Error naming an unknown one.
 * @param {string} name
 * @param {Options} defaults  the class's keyword arguments and defaults (landscape.optimizer_options)
 * @param {Record<string, unknown>} given
 * @returns {Options} */
export function withDefaults(name, defaults, given) {
  /** @type {Options} */
  const options = Object.create(null);
  Object.keys(defaults).forEach((key) => {
    options[key] = defaults[key];
  });
  Object.keys(given).forEach((key) => {
    if (!Object.prototype.hasOwnProperty.call(defaults, key)) {
      throw new Error(
        name + " has no option " + JSON.stringify(key) + "; its options: " + Object.keys(defaults).join(", "),
      );
    }
    const value = given[key];
    const wanted = defaults[key];
    const ok =
      typeof wanted === "boolean"
        ? typeof value === "boolean"
        : Array.isArray(wanted)
          ? Array.isArray(value) && value.length === wanted.length && value.every(isFinite)
          : typeof value === "number" && isFinite(value);
    if (!ok)
      throw new Error(
        name + ": " + key + " must be like " + JSON.stringify(wanted) + ", got " + String(value),
      );
    options[key] = /** @type {number | boolean | number[]} */ (value);
  });
  return options;
}

/** @param {Options} o @param {string} key */
const num = (o, key) => /** @type {number} */ (o[key]);

/** The update of optimizer `name` (optim.py's `_update`), for its options.
 * @param {string} name
 * @param {Options} o
 * @returns {Update} */
function updateRule(name, o) {
  const lr = num(o, "lr");
  if (name === "SGD") {
    const mu = num(o, "momentum"),
      dampening = num(o, "dampening"),
      nesterov = !!o.nesterov;
    if (nesterov && (mu <= 0 || dampening !== 0)) {
      throw new Error("Nesterov momentum needs momentum > 0 and dampening = 0");
    }
    return (theta, g, state) => {
      if (!mu) return [theta - lr * g, state];
      const b = !("b" in state) ? g : mu * state.b + (1.0 - dampening) * g;
      const step = nesterov ? g + mu * b : b;
      return [theta - lr * step, { b }];
    };
  }
  if (name === "Adagrad") {
    const decay = num(o, "lr_decay"),
      initial = num(o, "initial_accumulator_value"),
      eps = num(o, "eps");
    return (theta, g, state, t) => {
      const rate = lr / (1.0 + (t - 1) * decay);
      const s = ("sum" in state ? state.sum : initial) + g * g;
      return [theta - (rate * g) / (Math.sqrt(s) + eps), { sum: s }];
    };
  }
  if (name === "RMSProp") {
    const a = num(o, "alpha"),
      eps = num(o, "eps"),
      mu = num(o, "momentum"),
      centered = !!o.centered;
    return (theta, g, state) => {
      const v = a * (state.v || 0.0) + (1.0 - a) * g * g;
      /** @type {State} */
      const next = { v };
      let vTilde = v;
      if (centered) {
        const gAve = a * (state.g_ave || 0.0) + (1.0 - a) * g;
        next.g_ave = gAve;
        vTilde = v - gAve * gAve;
      }
      // v − ḡ² is a variance; rounding can push it a hair below 0
      const scaled = g / (Math.sqrt(Math.max(vTilde, 0.0)) + eps);
      if (mu > 0) {
        const b = mu * (state.b || 0.0) + scaled;
        next.b = b;
        return [theta - lr * b, next];
      }
      return [theta - lr * scaled, next];
    };
  }
  if (name === "Adadelta") {
    const rho = num(o, "rho"),
      eps = num(o, "eps");
    return (theta, g, state) => {
      const v = rho * (state.v || 0.0) + (1.0 - rho) * g * g;
      const u = state.u || 0.0;
      const delta = (Math.sqrt(u + eps) / Math.sqrt(v + eps)) * g;
      return [theta - lr * delta, { v, u: rho * u + (1.0 - rho) * delta * delta }];
    };
  }
  if (name === "Adam") {
    const [b1, b2] = /** @type {number[]} */ (o.betas),
      eps = num(o, "eps"),
      amsgrad = !!o.amsgrad;
    return (theta, g, state, t) => {
      const m = b1 * (state.m || 0.0) + (1.0 - b1) * g;
      let v = b2 * (state.v || 0.0) + (1.0 - b2) * g * g;
      /** @type {State} */
      const next = { m, v };
      if (amsgrad) v = next.v_max = Math.max(state.v_max || 0.0, v);
      const mHat = m / (1.0 - b1 ** t);
      const vHat = v / (1.0 - b2 ** t);
      return [theta - (lr * mHat) / (Math.sqrt(vHat) + eps), next];
    };
  }
  throw new Error("unknown optimizer " + JSON.stringify(name));
}

/** An optimizer by its Python class name, with its keyword arguments.
 * @param {string} name  SGD, Adagrad, Adadelta, RMSProp or Adam
 * @param {Options} defaults  its keyword arguments' defaults (the page's data)
 * @param {Record<string, unknown>} given
 * @returns {Optimizer} */
export function createOptimizer(name, defaults, given) {
  const options = withDefaults(name, defaults, given);
  const update = updateRule(name, options);
  const decay = num(options, "weight_decay");
  /** @type {State[]} */
  let states = [];
  let t = 0;
  return {
    name,
    options,
    steps: () => t,
    step(theta, grads) {
      const time = t + 1;
      const fresh = theta.map((x, i) => {
        let g = grads[i];
        if (!isFinite(g)) throw new Error(name + ".step: the gradient of parameter " + i + " is " + g);
        if (decay) g = g + decay * x; // PyTorch's L2: g ← g + λθ, before the update
        const [next, state] = update(x, g, states[i] || {}, time);
        if (!isFinite(next)) {
          throw new Error(
            name + ".step: parameter " + i + " would become " + next + "; lower the learning rate",
          );
        }
        Object.keys(state).forEach((key) => {
          if (!isFinite(state[key])) {
            throw new Error(
              name + ".step: the running " + key + " of parameter " + i + " would become " + state[key],
            );
          }
        });
        return { next, state };
      });
      states = fresh.map((f) => f.state);
      t = time;
      return fresh.map((f) => f.next);
    },
  };
}
