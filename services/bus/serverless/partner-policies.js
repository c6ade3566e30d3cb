'use strict';

/**
 * Adds one EventBridge bus-policy statement per partner AWS account in `custom.partners`, so a
 * partner can PutEvents straight onto our bus, but only its booking events (BookingCreated,
 * BookingUpdated, BookingCancelled) with source `partner.<its name>`. CloudFormation has no
 * loops, hence this small packaging hook.
 */

/** What a partner publishes (`bookingDetailTypes` in @charter/events; this hook runs in Serverless, without it). */
const BOOKING_DETAIL_TYPES = ['BookingCreated', 'BookingUpdated', 'BookingCancelled'];
class PartnerPolicies {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'package:compileEvents': () => this.addPolicies() };
  }

  addPolicies() {
    const partners = this.serverless.service.custom.partners || {};
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    for (const [name, settings] of Object.entries(partners)) {
      const accountId = settings && settings.accountId ? String(settings.accountId) : '';
      if (!accountId) continue;
      if (!/^\d{12}$/.test(accountId)) {
        throw new this.serverless.classes.Error(`custom.partners.${name}.accountId must be a 12-digit AWS account id`);
      }
      resources[`PartnerPolicy${pascal(name)}`] = {
        Type: 'AWS::Events::EventBusPolicy',
        Properties: {
          EventBusName: { Ref: 'EventBus' },
          StatementId: `partner-${name}`,
          Statement: {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${accountId}:root` },
            Action: 'events:PutEvents',
            Resource: { 'Fn::GetAtt': ['EventBus', 'Arn'] },
            Condition: {
              // A list in a condition is any of its values; the source is this partner's alone.
              StringEquals: { 'events:source': `partner.${name}`, 'events:detail-type': BOOKING_DETAIL_TYPES },
            },
          },
        },
      };
    }
  }
}

const pascal = (name) => name.replace(/(^|[-_])([a-z0-9])/g, (_, __, c) => c.toUpperCase());

module.exports = PartnerPolicies;
