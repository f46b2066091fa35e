/** The payout provider a coordinator's config asks for. */
import type { CoordinatorConfig } from '../config/config.js';
import { FilePayoutProvider } from './file-provider.js';
import type { PayoutProvider } from './provider.js';
import { StripePayoutProvider } from './stripe-provider.js';

export function createPayoutProvider(
  config: Pick<
    CoordinatorConfig,
    'payoutProvider' | 'payoutDir' | 'stripeSecretKey' | 'stripeApiUrl' | 'clock'
  >,
): PayoutProvider {
  if (config.payoutProvider === 'stripe') {
    // resolveCoordinatorConfig refuses 'stripe' without a key.
    return new StripePayoutProvider({
      secretKey: config.stripeSecretKey!,
      ...(config.stripeApiUrl === undefined ? {} : { apiUrl: config.stripeApiUrl }),
    });
  }
  return new FilePayoutProvider({ dir: config.payoutDir, clock: config.clock });
}
