/**
 * The one SNS topic of the router's alarms, in the primary region, and the rule that feeds it:
 * alarm state changes of every region arrive on the primary region's default event bus (forwarded
 * by each regional stack, see regional-observability-stack.ts) and this rule publishes them.
 */
import { Validations } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { InfraConfig } from './infra-config.ts';
import { alarmStateChangePattern } from './regional-observability-stack.ts';

/**
 * The alarm topic and its feeding rule.
 *
 * @example
 * const { topic } = new AlarmNotifications(stack, 'Alarms', { config });
 */
export class AlarmNotifications extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: { readonly config: InfraConfig }) {
    super(scope, id);
    const { config } = props;
    this.topic = new Topic(this, 'Topic', {
      displayName: `${config.stackName} router alarms`,
      enforceSSL: true,
    });
    for (const email of config.observability.alarmEmails)
      this.topic.addSubscription(new EmailSubscription(email));
    new Rule(this, 'AlarmStateChanges', {
      description: 'Router alarm state changes of every region to the alarm topic',
      eventPattern: alarmStateChangePattern(config),
      targets: [new SnsTopic(this.topic)],
    });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and states, nothing secret; EventBridge cannot publish to a topic ' +
        'encrypted with the AWS-managed aws/sns key, and a customer key would need a key policy for EventBridge.',
    });
  }
}
