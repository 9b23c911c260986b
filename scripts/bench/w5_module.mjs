// W5 "big results" exploration module for `h5traj run` (see WORKLOADS.md beside this file): each run computes a
// float64[500000] array (4 MB) arr[k] = k*0.5 + k_param and stores it with a scalar, after about
// WORK_MS (default 20) ms of busy work. NRUNS (default 400) sets the number of runs.
export function setup(traj) {
  traj.f_add_parameter('k', 0, { dtype: 'int' });
  traj.f_explore({ k: Array.from({ length: Number(process.env.NRUNS || 400) }, (_, i) => i) });
}
export function run(traj) {
  const k = traj.k;
  const a = new Float64Array(500000);
  for (let i = 0; i < a.length; i++) a[i] = i * 0.5 + k;
  const until = Date.now() + Number(process.env.WORK_MS || 20);
  while (Date.now() < until);
  traj.f_add_result('out', { arr: a, s: k });
  return k;
}
