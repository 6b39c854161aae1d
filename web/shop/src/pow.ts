// Solves a room's ALTCHA proof of work off the main thread: altcha-lib's own worker, bundled by
// scripts/build-web.js into pow-worker.js (a file beside app.js, so a strict CSP allows it).

export interface PowChallenge {
  algorithm: string;
  challenge: string;
  salt: string;
  signature: string;
  maxNumber: number;
}

/** The proof to send as JoinWaitingRoomInput.proof: base64 of the ALTCHA payload. */
export function solveInWorker(c: PowChallenge): { proof: Promise<string>; cancel: () => void } {
  const worker = new Worker(new URL('pow-worker.js', document.baseURI));
  const proof = new Promise<string>((resolve, reject) => {
    worker.onmessage = ({ data }: MessageEvent<{ number: number } | null>) => {
      worker.terminate();
      if (!data) return reject(new Error('The challenge has no solution.'));
      const payload = {
        algorithm: c.algorithm,
        challenge: c.challenge,
        number: data.number,
        salt: c.salt,
        signature: c.signature,
      };
      resolve(btoa(JSON.stringify(payload)));
    };
    worker.onerror = () => {
      worker.terminate();
      reject(new Error('The browser could not run the proof of work.'));
    };
  });
  worker.postMessage({
    type: 'work',
    payload: { algorithm: c.algorithm, challenge: c.challenge, salt: c.salt, max: c.maxNumber },
  });
  return { proof, cancel: () => worker.terminate() };
}
